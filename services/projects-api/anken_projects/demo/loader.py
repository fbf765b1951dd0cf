"""Loads the demo the way people would build it: through projects-api and reporting-api over HTTP.

Staff, clients and projects are created, projects are kicked off and activated through
`/transitions` (so the worker makes their Slack channels, Confluence trees and spreadsheets),
lists are imported as CSV, a month of calls goes in through the bulk call ingest (its
appointments are posted to Slack), hand-offs are reported, worked hours logged, and last
week's reports are published. Only the agency's deals are written in-process (demo/pipeline.py):
no API backdates a deal's history.
"""

from __future__ import annotations

import asyncio
import csv
import io
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any, TypedDict
from urllib.parse import parse_qs, urlparse

from anken_projects.demo import catalogue as cat
from anken_projects.demo.api import DemoLoadError, JsonObject, ServiceApi
from anken_projects.demo.month import TZ, MonthPlanner, ProjectMonth, business_days_between
from anken_projects.projects.models import DEFAULT_UNQUALIFIED_REASONS

SEED = 20260401
BULK = 10_000
CONCURRENCY = 8
REPORTING_CATCH_UP_S = 90
IMPORT_COLUMNS = ("company_name", "phone", "corporate_number", "industry", "size", "region", "priority_tier")


def _iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


class _BookedAppointment(TypedDict):
    """An appointment the bulk call ingest created, for the hand-offs reported after the calls."""

    id: str
    at: str  # the call's occurred_at
    meeting_at: str


async def _gather_limited(jobs: Sequence[Callable[[], Awaitable[Any]]], limit: int = CONCURRENCY) -> list[Any]:
    gate = asyncio.Semaphore(limit)

    async def run(job: Callable[[], Awaitable[Any]]) -> Any:
        async with gate:
            return await job()

    return await asyncio.gather(*(run(job) for job in jobs))


class DemoLoader:
    """`projects` carries a service token (the loader acts as the platform); directors and the
    manager log in with the demo password for what they own (reports, forecast snapshots)."""

    def __init__(self, projects: ServiceApi, reporting: ServiceApi | None, password: str,
                 now: datetime | None = None) -> None:
        self.projects = projects
        self.reporting = reporting
        self.password = password
        self.now = now or datetime.now(UTC)
        self.today = self.now.astimezone(TZ).date()
        self.rng = random.Random(SEED)
        self.planner = MonthPlanner(self.now, SEED)
        self.counts: dict[str, int] = {}
        self.users: dict[str, JsonObject] = {}
        self.tokens: dict[str, str] = {}
        self.appointments: list[_BookedAppointment] = []
        self.calls_by_project: dict[str, int] = {}
        self.timings: dict[str, float] = {}

    async def timed(self, phase: str, work: Awaitable[Any]) -> Any:
        """Run `work`, adding its seconds to `phase` (phases of parallel projects add up)."""
        started = time.monotonic()
        try:
            return await work
        finally:
            self.timings[phase] = self.timings.get(phase, 0.0) + time.monotonic() - started

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    async def load(self) -> dict[str, int]:
        """Projects and their month (after `staff`)."""
        clients = await self._clients()
        await self._client_user(clients[0])
        projects = [await self._project(index, spec, clients) for index, spec in enumerate(cat.PROJECTS)]
        # Planned in catalogue order before the projects load in parallel: one random sequence, one demo.
        months = [self.planner.plan(spec) if spec.members and spec.status in ("active", "paused") else None
                  for spec in cat.PROJECTS]
        await self.timed("projects (wall)", _gather_limited([
            partial(self._run_project, p, s, m)
            for p, s, m in zip(projects, cat.PROJECTS, months, strict=True)]))
        await self.timed("handoffs", self._handoffs())
        if self.reporting is not None:
            await self._publish_weekly_reports(projects)
        return self.counts

    # -- people and clients ------------------------------------------------------------------

    async def staff(self) -> None:
        async def create(key: str, role: str, name: str) -> None:
            self.users[key] = await self.projects.post("/v1/users", {
                "email": f"{key}@demo.anken.jp", "name": name, "role": role, "password": self.password})

        await _gather_limited([partial(create, *s) for s in cat.STAFF], 4)
        self.count("users", len(cat.STAFF))
        for key in ("director", "director2", "manager"):
            answer = await self.projects.post("/v1/auth/token", {"email": f"{key}@demo.anken.jp", "password": self.password})
            self.tokens[key] = answer["access_token"]

    async def _clients(self) -> list[JsonObject]:
        out = [await self.projects.post("/v1/clients", {"name": name, "industry": industry})
               for name, industry, _ in cat.CLIENTS]
        self.count("clients", len(out))
        return out

    async def _client_user(self, client: JsonObject) -> None:
        """A person of the first client (client@demo.anken.jp), invited and activated the way a real one is:
        through the one-time link the invitation's answer carries outside production."""
        invited = await self.projects.post(f"/v1/clients/{client['id']}/invitations", {
            "email": "client@demo.anken.jp", "name": "高橋 発注担当"})
        token = parse_qs(urlparse(invited["link"]).query)["token"][0]
        await self.projects.post("/v1/invitations/accept", {"token": token, "password": self.password})
        self.count("users")

    # -- one project, from creation to a month of calls ---------------------------------------

    async def _project(self, index: int, spec: cat.ProjectSpec, clients: list[JsonObject]) -> JsonObject:
        client = clients[index % len(clients)]
        director = "director" if index % 3 else "director2"
        month_start = self.today.replace(day=1)
        project: JsonObject = await self.projects.post("/v1/projects", {
            "client_id": client["id"], "name": f"{client['name'].removeprefix('株式会社')} {spec.suffix}",
            "product": cat.CLIENTS[index % len(clients)][2], "director_id": self.users[director]["id"],
            "monthly_appointment_target": spec.target, "contracted_monthly_hours": spec.hours,
            "contract_start": (month_start - timedelta(days=92)).isoformat(),
            "contract_end": (month_start + timedelta(days=272)).isoformat(),
            "renewal_date": (month_start + timedelta(days=242)).isoformat(),
            "appointment_definition": "決裁者または決裁に関与する部長職以上との30分以上のオンライン商談",
            "qualification_fields": list(cat.BANT), "target_definition": "従業員50名以上の法人（リスト記載の業種・地域）",
            "handoff_contact": "インサイドセールス部 鈴木", "calendar_link": "https://calendar.example.com/demo",
            "weekly_meeting_weekday": 3 + index % 2, "weekly_meeting_time": "16:00",
        })
        project["_director"] = director
        self.count("projects")
        return project

    async def _run_project(self, project: JsonObject, spec: cat.ProjectSpec, month: ProjectMonth | None) -> None:
        pid = project["id"]
        # Staffed before the kickoff, so the worker invites the members to the new Slack channel.
        for member in spec.members:
            await self.projects.post(f"/v1/projects/{pid}/assignments", {
                "member_id": self.users[member]["id"], "planned_hours": spec.hours // len(spec.members)})
            self.count("assignments")
        if spec.status == "draft":
            return
        await self._transition(pid, "kickoff")
        versions = await self._scripts(project, spec)
        if spec.status == "kickoff":
            return
        await self._agree_kickoff_items(pid)
        await self._transition(pid, "active")
        if month is not None:
            targets = await self.timed("target imports", self._import_targets(project, month))
            await self.timed("bulk calls", self._log_calls(project, month, targets, versions))
            await self.timed("worked hours", self._worked_hours(pid, month))
        if spec.status in ("paused", "ended"):
            await self._transition(pid, spec.status)

    async def _transition(self, project_id: str, to: str) -> None:
        await self.projects.post(f"/v1/projects/{project_id}/transitions", {"to": to})

    async def _scripts(self, project: JsonObject, spec: cat.ProjectSpec) -> dict[str, str]:
        client = cat.CLIENTS[cat.PROJECTS.index(spec) % len(cat.CLIENTS)][0]
        industry = (spec.industries or cat.INDUSTRIES)[0]
        versions: dict[str, str] = {}
        for pattern, (title, body) in (("A", cat.SCRIPT_A), ("B", cat.SCRIPT_B)):
            script = await self.projects.post(f"/v1/projects/{project['id']}/scripts", {
                "pattern": pattern, "title": title,
                "body": body.format(client=client, product=project.get("product") or "", industry=industry)})
            versions[pattern] = script["active_version"]["id"]
            self.count("script_versions")
        return versions

    async def _agree_kickoff_items(self, project_id: str) -> None:
        checklist = await self.projects.get(f"/v1/projects/{project_id}/kickoff-items")
        for item in checklist["items"]:
            if not item["agreed"]:
                await self.projects.patch(f"/v1/projects/{project_id}/kickoff-items/{item['key']}",
                                          {"agreed": True, "value": item.get("value") or "キックオフMTGで合意済み"})

    async def _import_targets(self, project: JsonObject, month: ProjectMonth) -> list[str]:
        """The list as a CSV upload; returns target ids in the order of month.targets."""
        target_list = await self.projects.post(f"/v1/projects/{project['id']}/target-lists",
                                               {"name": f"{self.today:%Y年%m月} アプローチリスト 第1弾", "source": "csv"})
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(IMPORT_COLUMNS)
        for t in month.targets:
            writer.writerow([getattr(t, column) for column in IMPORT_COLUMNS])
        report = await self.projects.post(f"/v1/target-lists/{target_list['id']}/imports",
                                          files={"file": ("list.csv", buffer.getvalue().encode(), "text/csv")})
        while report.get("status") == "running":
            await asyncio.sleep(0.3)
            report = await self.projects.get(f"/v1/imports/{report['id']}")
        rows = await self.projects.all_items(f"/v1/target-lists/{target_list['id']}/targets")
        by_number = {row["corporate_number"]: row["id"] for row in rows}
        missing = [t.company_name for t in month.targets if t.corporate_number not in by_number]
        if missing:
            raise DemoLoadError(f"the import of {project['name']} left out {len(missing)} targets: {report}")
        self.count("targets", len(rows))
        return [by_number[t.corporate_number] for t in month.targets]

    async def _log_calls(self, project: JsonObject, month: ProjectMonth, targets: list[str], versions: dict[str, str]) -> None:
        calls = [{
            "target_id": targets[c.target], "member_id": self.users[c.member]["id"],
            "occurred_at": c.occurred_at.isoformat(), "outcome": c.outcome, "duration_s": c.duration_s,
            "script_version_id": versions[c.variant], "variant": c.variant,
            **({"note": c.note} if c.note else {}), **({"appointment": c.appointment} if c.appointment else {}),
        } for c in month.calls]
        for start in range(0, len(calls), BULK):
            answer = await self.projects.post(f"/v1/projects/{project['id']}/calls/bulk", {"calls": calls[start:start + BULK]})
            # The answer lists the calls in the order sent.
            self.appointments += [{"id": item["appointment_id"], "at": item["occurred_at"],
                                   "meeting_at": planned.appointment["meeting_at"]}
                                  for planned, item in zip(month.calls[start:start + BULK], answer["items"], strict=True)
                                  if item.get("appointment_id") and planned.appointment]
        self.calls_by_project[project["id"]] = len(calls)
        self.count("calls", len(calls))
        self.count("appointments", sum(1 for c in month.calls if c.appointment))

    async def _worked_hours(self, project_id: str, month: ProjectMonth) -> None:
        jobs = [partial(self.projects.put,
                        f"/v1/projects/{project_id}/worked-hours/{self.users[m]['id']}/{d.isoformat()}",
                        {"hours": float(h)})
                for (m, d), h in month.hours.items()]
        await _gather_limited(jobs, 4)
        self.count("worked_hours", len(jobs))

    # -- after the calls ---------------------------------------------------------------------

    async def _handoffs(self) -> None:
        """What became of the meetings already held, as directors and clients report it."""
        jobs = []
        for item in sorted(self.appointments, key=lambda a: a["at"]):
            detail_roll, outcome_roll = self.rng.random(), self.rng.random()
            jobs.append(partial(self._handoff, item, detail_roll, outcome_roll))
        await _gather_limited(jobs, 4)

    async def _handoff(self, item: _BookedAppointment, roll: float, outcome_roll: float) -> None:
        if datetime.fromisoformat(item["meeting_at"]) > self.now or roll > 0.92:
            return  # still ahead, or the client has not reported yet
        body: dict[str, Any] = {"handoff_status": "held" if roll < 0.75 else "no_show" if roll < 0.87 else "cancelled"}
        if body["handoff_status"] == "held":
            body["partner_outcome"] = "qualified" if outcome_roll < 0.6 else "unqualified"
            if body["partner_outcome"] == "unqualified":
                body["unqualified_reason"] = DEFAULT_UNQUALIFIED_REASONS[int(outcome_roll * 100) % len(
                    DEFAULT_UNQUALIFIED_REASONS)]
            if outcome_roll < 0.1:  # a few: the client's deal, kept on the appointment (not the agency's pipeline)
                body["deal"] = {"amount": self.rng.choice((600_000, 1_200_000, 2_400_000)),
                                "stage": self.rng.choice(("proposal", "negotiation", "won"))}
        await self.projects.patch(f"/v1/appointments/{item['id']}", body)
        self.count("handoffs")

    async def _publish_weekly_reports(self, projects: list[JsonObject]) -> None:
        """Last week's report of every active project, with the director's notes, published."""
        assert self.reporting is not None
        active = [(p, s) for p, s in zip(projects, cat.PROJECTS, strict=True) if s.status == "active"]
        await self.timed("reporting catch-up", self._wait_for_reporting(active))
        week = _iso_week(self.today - timedelta(days=7))
        monday = date.fromisocalendar(int(week[:4]), int(week[6:]), 1)
        for project, _spec in active:
            api = self.reporting.as_(self.tokens[project["_director"]])
            path = f"/v1/projects/{project['id']}/weekly-reports/{week}"
            await api.put(f"{path}/draft", {
                "notes": {"good_reactions": [self.rng.choice(cat.GOOD_REACTIONS)],
                          "objections": self.rng.sample(cat.NOTES_REJECTED, 2),
                          "learnings": [self.rng.choice(cat.LEARNINGS)]},
                "next_actions": [{"text": self.rng.choice(cat.NEXT_ACTIONS), "owner": "ディレクター",
                                  "due": (monday + timedelta(days=10)).isoformat()}],
            })
            await self.timed("weekly reports", api.post(f"{path}/publish"))
            self.count("weekly_reports")

    async def _wait_for_reporting(self, active: list[tuple[JsonObject, cat.ProjectSpec]]) -> None:
        """reporting-api folds the events in on its own; reports are published once it has every call."""
        assert self.reporting is not None
        start = business_days_between(self.today - timedelta(days=60), self.today)[0]
        deadline = asyncio.get_running_loop().time() + REPORTING_CATCH_UP_S
        for project, _ in active:
            api = self.reporting.as_(self.tokens[project["_director"]])
            expected = self.calls_by_project.get(project["id"], 0)
            while True:
                kpis = await api.get(f"/v1/projects/{project['id']}/kpis", **{
                    "from": start.isoformat(), "to": (self.today + timedelta(days=1)).isoformat()})
                if kpis.get("calls") == expected:
                    break
                if asyncio.get_running_loop().time() > deadline:
                    raise DemoLoadError(f"reporting-api has {kpis.get('calls')} of {expected} calls of {project['name']}")
                await asyncio.sleep(0.5)
