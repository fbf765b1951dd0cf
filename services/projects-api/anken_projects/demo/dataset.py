"""The demo dataset: clients, users, projects, scripts, target lists, a month of calls up to
today, appointments, worked hours, deals and quotas, with the outbox events the API would write.

Idempotent: a row in projects.demo_markers records that it was loaded; a second run does
nothing. Everything is deterministic (a fixed random seed) and written in one transaction.
"""

from __future__ import annotations

import json
import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import jpholiday
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.auth_tokens import Role
from anken_common.database import make_engine, make_sessionmaker
from anken_common.event_payloads import (
    AppointmentPayload,
    AssignmentPayload,
    CallPayload,
    ClientPayload,
    ScriptVersionPayload,
    TargetListImportedPayload,
    UserPayload,
    WorkedHoursPayload,
)
from anken_common.events import EventType, to_payload
from anken_projects.appointments.models import Appointment
from anken_projects.assignments.models import WorkedHours
from anken_projects.auth.passwords import hash_password
from anken_projects.auth.principal import Principal
from anken_projects.calls.models import Call
from anken_projects.clients.models import Client
from anken_projects.deals import service as deals
from anken_projects.deals.repository import get_default_pipeline, stages_of
from anken_projects.deals.schemas import DealCreate, DealUpdate
from anken_projects.demo import catalogue as cat
from anken_projects.outbox.models import OutboxEvent
from anken_projects.outbox.writer import record_event
from anken_projects.projects.kickoff import add_default_items
from anken_projects.projects.models import Assignment, Project, ProjectStatus
from anken_projects.projects.payloads import publish_kickoff_item, publish_project
from anken_projects.quotas import service as quotas
from anken_projects.quotas.schemas import QuotaCreate
from anken_projects.scripts.models import Script, ScriptPattern, ScriptVersion
from anken_projects.settings import SCHEMA, ProjectsSettings
from anken_projects.targets.company_names import normalise_company_name
from anken_projects.targets.corporate_number import check_digit
from anken_projects.targets.models import Target, TargetList
from anken_projects.users.models import User

MARKER = "demo-v1"
SEED = 20260401
TZ = ZoneInfo("Asia/Tokyo")
TARGETS_PER_PROJECT = 250  # 8 projects with lists → 2,000 targets
CALL_DAYS = 31
# Outcome weights: contact ≈ 12% of calls, appointment ≈ 10% of contacts.
OUTCOMES = [("no_answer", 46.0), ("gatekeeper_block", 25.0), ("absent", 14.0), ("invalid_number", 3.0),
            ("connected_rejected", 7.3), ("connected_followup", 3.5), ("appointment", 1.2)]
CONTACTS = {"connected_rejected", "connected_followup", "appointment"}


def business_days(end: date, days: int) -> list[date]:
    """Weekdays that are not Japanese public holidays in the `days` days up to `end`, inclusive."""
    start = end - timedelta(days=days - 1)
    out = []
    for n in range(days):
        day = start + timedelta(days=n)
        if day.weekday() < 5 and not jpholiday.is_holiday(day):
            out.append(day)
    return out


def corporate_number(rng: random.Random) -> str:
    base = f"{rng.randrange(10**11, 10**12):012d}"
    return f"{check_digit(base)}{base}"


def _outbox_row(type_: EventType, aggregate_type: str, aggregate_id: Any, tenant: uuid.UUID | None, payload: dict) -> dict:
    return {"event_id": uuid.uuid4(), "type": str(type_), "aggregate_type": aggregate_type,
            "aggregate_id": str(aggregate_id), "tenant": tenant, "payload": to_payload(payload)}


class _Loader:
    def __init__(self, session: AsyncSession, settings: ProjectsSettings) -> None:
        self.session = session
        self.settings = settings
        self.rng = random.Random(SEED)
        self.now = datetime.now(UTC)
        self.today = self.now.astimezone(TZ).date()
        self.counts: dict[str, int] = {}

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    async def users(self) -> dict[str, User]:
        password = hash_password(self.settings.anken_demo_password)
        specs = [("admin", "管理 太郎", Role.admin), ("director", "案件 ディレクター", Role.director),
                 ("director2", "進行 花子", Role.director), ("manager", "営業 マネージャー", Role.manager)]
        specs += [(f"member{i}", f"{cat.LAST_NAMES[i]} {cat.FIRST_NAMES[i]}", Role.member) for i in range(1, 9)]
        out = {}
        for key, name, role in specs:
            user = User(email=f"{key}@demo.anken.jp", name=name, role=role, password_hash=password)
            self.session.add(user)
            record_event(self.session, EventType.user_created, aggregate_type="user", aggregate_id=user.id, tenant=None,
                         payload=UserPayload(id=user.id, email=user.email, name=name, role=role.value).model_dump(mode="json"))
            out[key] = user
        self.count("users", len(out))
        await self.session.flush()
        return out

    async def clients(self) -> list[Client]:
        out = []
        for name, industry, _ in cat.CLIENTS:
            client = Client(name=name, industry=industry)
            self.session.add(client)
            record_event(self.session, EventType.client_created, aggregate_type="client", aggregate_id=client.id,
                         tenant=client.id, payload=ClientPayload(id=client.id, name=name, industry=industry).model_dump(mode="json"))
            out.append(client)
        self.count("clients", len(out))
        await self.session.flush()
        return out

    async def projects(self, clients: list[Client], users: dict[str, User]) -> list[Project]:
        out = []
        month_start = self.today.replace(day=1)
        for index, (suffix, status, target, hours) in enumerate(cat.PROJECTS):
            client = clients[index % len(clients)]
            director = users["director" if index % 3 else "director2"]
            project = Project(
                client_id=client.id, director_id=director.id, name=f"{client.name.removeprefix('株式会社')} {suffix}",
                product=cat.CLIENTS[index % len(clients)][2], status=ProjectStatus(status),
                monthly_appointment_target=target, contracted_monthly_hours=hours,
                contract_start=month_start - timedelta(days=90), contract_end=month_start + timedelta(days=270),
                renewal_date=month_start + timedelta(days=240),
                appointment_definition="決裁者または決裁に関与する部長職以上との30分以上のオンライン商談",
                qualification_fields=["budget", "authority", "need", "timeline"],
                target_definition="従業員50名以上、首都圏・関西の法人", handoff_contact="インサイドセールス部 鈴木",
                calendar_link="https://calendar.example.com/demo", slack_channel=f"#anken-demo-{index + 1:02d}",
                weekly_meeting_weekday=3 + index % 2, weekly_meeting_time="16:00",
            )
            self.session.add(project)
            await self.session.flush()
            items = add_default_items(self.session, project)
            if status in ("active", "paused", "ended"):
                for item in items:
                    item.agreed, item.value, item.agreed_at = True, "キックオフMTGで合意済み", datetime.now(UTC)
            await self.session.flush()
            await publish_project(self.session, project, EventType.project_created)
            for item in items:
                publish_kickoff_item(self.session, project, item)
            out.append(project)
        self.count("projects", len(out))
        return out

    async def assignments(self, projects: list[Project], users: dict[str, User]) -> dict[uuid.UUID, list[User]]:
        members = [users[f"member{i}"] for i in range(1, 9)]
        staffed: dict[uuid.UUID, list[User]] = {}
        for index, project in enumerate(projects):
            if project.status == ProjectStatus.draft:
                continue
            team = [members[(index * 3 + k) % len(members)] for k in range(3)]
            for member in team:
                assignment = Assignment(project_id=project.id, member_id=member.id, planned_hours=project.contracted_monthly_hours // 3)
                self.session.add(assignment)
                record_event(self.session, EventType.assignment_created, aggregate_type="project", aggregate_id=project.id,
                             tenant=project.client_id, payload=AssignmentPayload(
                                 id=assignment.id, project_id=project.id, member_id=member.id, member_name=member.name,
                                 planned_hours=assignment.planned_hours).model_dump(mode="json"))
            staffed[project.id] = team
            self.count("assignments", len(team))
        await self.session.flush()
        return staffed

    async def scripts(self, projects: list[Project], clients: list[Client]) -> dict[uuid.UUID, dict[str, uuid.UUID]]:
        versions: dict[uuid.UUID, dict[str, uuid.UUID]] = {}
        for index, project in enumerate(projects):
            if project.status == ProjectStatus.draft:
                continue
            client_name, _, product = cat.CLIENTS[index % len(clients)]
            versions[project.id] = {}
            for pattern, (title, body) in (("A", cat.SCRIPT_A), ("B", cat.SCRIPT_B)):
                script = Script(project_id=project.id, pattern=ScriptPattern(pattern), variant=pattern)
                self.session.add(script)
                await self.session.flush()
                text = body.format(client=client_name, product=product, industry=cat.INDUSTRIES[index % 10])
                version = ScriptVersion(script_id=script.id, project_id=project.id, version=1, title=title, body=text,
                                        is_active=True)
                self.session.add(version)
                record_event(self.session, EventType.script_version_created, aggregate_type="project",
                             aggregate_id=project.id, tenant=project.client_id, payload=ScriptVersionPayload(
                                 id=version.id, project_id=project.id, script_id=script.id, pattern=pattern,
                                 variant=pattern, version=1, title=title, body=text).model_dump(mode="json"))
                versions[project.id][pattern] = version.id
                self.count("script_versions")
        await self.session.flush()
        return versions

    async def targets(self, projects: list[Project]) -> dict[uuid.UUID, list[Target]]:
        out: dict[uuid.UUID, list[Target]] = {}
        for project in projects:
            if project.status in (ProjectStatus.draft, ProjectStatus.kickoff):
                continue
            target_list = TargetList(project_id=project.id, client_id=project.client_id, name=f"{project.name} リスト 第1弾",
                                     source="demo")
            self.session.add(target_list)
            await self.session.flush()
            rows = []
            for n in range(TARGETS_PER_PROJECT):
                name = f"株式会社{self.rng.choice(cat.NAME_PARTS)}{self.rng.choice(cat.NAME_TAILS)}{n + 1}"
                rows.append(Target(
                    target_list_id=target_list.id, project_id=project.id, client_id=project.client_id, company_name=name,
                    company_name_key=normalise_company_name(name) or name, industry=self.rng.choice(cat.INDUSTRIES),
                    size=self.rng.choice(cat.SIZES), region=self.rng.choice(cat.REGIONS),
                    phone=f"0{self.rng.randint(3, 99)}-{self.rng.randint(100, 9999):04d}-{self.rng.randint(0, 9999):04d}"[:13],
                    corporate_number=corporate_number(self.rng), priority_tier=self.rng.choice((1, 2, 2, 3, 3, 3)),
                ))
            self.session.add_all(rows)
            record_event(self.session, EventType.target_list_imported, aggregate_type="project", aggregate_id=project.id,
                         tenant=project.client_id, payload=TargetListImportedPayload(
                             id=target_list.id, project_id=project.id, client_id=project.client_id, name=target_list.name,
                             created=len(rows), total_targets=len(rows), callable_targets=len(rows)).model_dump(mode="json"))
            out[project.id] = rows
            self.count("targets", len(rows))
        await self.session.flush()
        return out

    async def calls(self, projects: list[Project], staffed: dict, versions: dict, targets: dict) -> list[dict]:
        """A month of calls up to today for active projects (and paused ones before their pause)."""
        days = business_days(self.today, CALL_DAYS)
        outcomes, weights = zip(*OUTCOMES, strict=True)
        call_rows: list[dict] = []
        outbox: list[dict] = []
        appointments: list[dict] = []
        called: set[uuid.UUID] = set()
        now = datetime.now(UTC)
        for project in projects:
            if project.status not in (ProjectStatus.active, ProjectStatus.paused) or project.id not in targets:
                continue
            project_days = days if project.status == ProjectStatus.active else days[: len(days) // 2]
            pool = targets[project.id]
            for member in staffed[project.id]:
                for day in project_days:
                    moment = datetime.combine(day, time(9, 30), TZ)
                    for _ in range(self.rng.randint(35, 65)):
                        moment += timedelta(seconds=self.rng.randint(180, 420))
                        if moment > now:
                            break
                        target = self.rng.choice(pool)
                        outcome = self.rng.choices(outcomes, weights)[0]
                        variant = self.rng.choice(("A", "B"))
                        duration = self.rng.randint(60, 420) if outcome in CONTACTS else self.rng.randint(5, 40)
                        note = (self.rng.choice(cat.NOTES_REJECTED) if outcome == "connected_rejected"
                                else self.rng.choice(cat.NOTES_FOLLOWUP) if outcome == "connected_followup" else None)
                        row = {"id": uuid.uuid4(), "occurred_at": moment.astimezone(UTC), "project_id": project.id,
                               "client_id": project.client_id, "member_id": member.id, "target_id": target.id,
                               "outcome": outcome, "duration_s": duration, "script_version_id": versions[project.id][variant],
                               "variant": variant, "note": note}
                        call_rows.append(row)
                        outbox.append(_outbox_row(EventType.call_logged, "project", project.id, project.client_id,
                                                  CallPayload(**row, target_industry=target.industry,
                                                              first_call_of_target=target.id not in called).model_dump(mode="json")))
                        called.add(target.id)
                        if outcome == "appointment":
                            appointments.append({"call": row, "project": project, "member": member, "target": target})
        # Calls and their events go in as bulk statements: tens of thousands of rows in seconds.
        for start in range(0, len(call_rows), 5000):
            await self.session.execute(sa.insert(Call.__table__), call_rows[start:start + 5000])
        for start in range(0, len(outbox), 5000):
            await self.session.execute(sa.insert(OutboxEvent.__table__), outbox[start:start + 5000])
        await self.session.execute(sa.text(
            f"UPDATE {SCHEMA}.targets t SET call_count = c.n, last_called_at = c.last, "
            "status = CASE WHEN c.appointment THEN 'appointment' WHEN c.followup THEN 'callback' ELSE 'called' END "
            f"FROM (SELECT target_id, count(*) AS n, max(occurred_at) AS last, bool_or(outcome = 'appointment') AS appointment, "
            f"bool_or(outcome = 'connected_followup') AS followup FROM {SCHEMA}.calls GROUP BY target_id) c "
            "WHERE t.id = c.target_id"
        ))
        self.count("calls", len(call_rows))
        return appointments

    async def appointments(self, made: list[dict]) -> list[Appointment]:
        out = []
        now = datetime.now(UTC)
        for item in made:
            call, project, member, target = item["call"], item["project"], item["member"], item["target"]
            meeting = datetime.combine(call["occurred_at"].astimezone(TZ).date() + timedelta(days=self.rng.randint(3, 10)),
                                       time(self.rng.randint(10, 17)), TZ)
            appointment = Appointment(
                project_id=project.id, client_id=project.client_id, call_id=call["id"], member_id=member.id,
                target_id=target.id, company_name=target.company_name,
                contact_name=f"{self.rng.choice(cat.LAST_NAMES)} 様", contact_title=self.rng.choice(cat.TITLES),
                meeting_at=meeting, qualification={k: self.rng.choice(v) for k, v in cat.BANT.items()},
                set_at=call["occurred_at"],
            )
            self.session.add(appointment)
            record_event(self.session, EventType.appointment_set, aggregate_type="project", aggregate_id=project.id,
                         tenant=project.client_id, payload=self._appointment_payload(appointment, member))
            if meeting < now:
                roll = self.rng.random()
                appointment.handoff_status = "held" if roll < 0.75 else "no_show" if roll < 0.9 else "cancelled"
                if appointment.handoff_status == "held":
                    appointment.partner_outcome = "qualified" if self.rng.random() < 0.6 else "unqualified"
                record_event(self.session, EventType.appointment_updated, aggregate_type="project", aggregate_id=project.id,
                             tenant=project.client_id, payload=self._appointment_payload(appointment, member))
            out.append(appointment)
        await self.session.flush()
        self.count("appointments", len(out))
        return out

    @staticmethod
    def _appointment_payload(appointment: Appointment, member: User) -> dict:
        return AppointmentPayload(
            id=appointment.id, project_id=appointment.project_id, client_id=appointment.client_id,
            call_id=appointment.call_id, member_id=appointment.member_id, member_name=member.name,
            target_id=appointment.target_id, company_name=appointment.company_name,
            contact_name=appointment.contact_name, contact_title=appointment.contact_title,
            meeting_at=appointment.meeting_at, qualification=appointment.qualification,
            handoff_status=appointment.handoff_status, partner_outcome=appointment.partner_outcome,
            set_at=appointment.set_at,
        ).model_dump(mode="json")

    async def worked_hours(self) -> None:
        rows = (await self.session.execute(sa.text(
            f"SELECT c.project_id, p.client_id, c.member_id, (c.occurred_at AT TIME ZONE 'Asia/Tokyo')::date AS day, "
            f"count(*) AS n FROM {SCHEMA}.calls c JOIN {SCHEMA}.projects p ON p.id = c.project_id GROUP BY 1, 2, 3, 4"
        ))).all()
        for row in rows:
            # About 12 calls an hour, plus preparation and the end-of-day report.
            hours = min(Decimal("10.00"), (Decimal(row.n) / 12 + Decimal("0.5")).quantize(Decimal("0.25")))
            self.session.add(WorkedHours(project_id=row.project_id, member_id=row.member_id, day=row.day, hours=hours))
            record_event(self.session, EventType.worked_hours_logged, aggregate_type="project", aggregate_id=row.project_id,
                         tenant=row.client_id, payload=WorkedHoursPayload(
                             project_id=row.project_id, member_id=row.member_id, day=row.day, hours=float(hours)).model_dump(mode="json"))
        await self.session.flush()
        self.count("worked_hours", len(rows))

    async def deals(self, users: dict[str, User], appointments: list[Appointment]) -> None:
        manager = Principal(kind="user", id=users["manager"].id, role=Role.manager)
        pipeline = await get_default_pipeline(self.session)
        assert pipeline is not None  # created by migration 0004
        stages = (await stages_of(self.session, [pipeline.id]))[pipeline.id]
        owners = [users["manager"], users["director"], users["director2"]]
        made = 0
        for n in range(36):
            account, name, amount, source = cat.DEAL_ACCOUNTS[n % len(cat.DEAL_ACCOUNTS)]
            body = DealCreate(
                name=f"{name}({n // len(cat.DEAL_ACCOUNTS) + 1}期)", account_name=account, owner_id=owners[n % 3].id,
                amount=amount + 100_000 * (n % 5), lead_source=source,
                expected_close_date=self.today + timedelta(days=self.rng.randint(-20, 90)),
                identify_pain="アウトバウンドのリソース不足", next_step="提案書の送付と次回MTG設定",
            )
            # Backdated, so cycle time, stage aging and velocity have something to show on the demo.
            created = self.now - timedelta(days=self.rng.randint(20, 120), hours=self.rng.randint(0, 8))
            deal, _ = await deals.create_deal(self.session, body, manager, at=created)
            target_stage = stages[n % len(stages)]
            if target_stage.id != deal.stage_id:
                category = "commit" if target_stage.position >= 5 else "best_case" if target_stage.position >= 3 else "pipeline"
                moved = min(self.now, created + timedelta(days=self.rng.randint(5, 15) * max(1, target_stage.position)))
                await deals.update_deal(self.session, deal, DealUpdate(
                    stage_id=target_stage.id, exit_criteria_confirmed=True, forecast_category=category), manager, at=moved)
            made += 1
        qualified = [a for a in appointments if a.partner_outcome == "qualified"][:6]
        for appointment in qualified:
            deal = await deals.create_deal_from_appointment(
                self.session, appointment_id=appointment.id, client_id=appointment.client_id,
                account_name=appointment.company_name, owner_id=users["manager"].id,
                amount=self.rng.choice((600_000, 1_200_000, 2_400_000)), stage_name_or_id="初回商談", principal=manager,
            )
            appointment.deal_id = deal.id
            made += 1
        self.count("deals", made)

    async def quotas(self, users: dict[str, User]) -> None:
        manager = Principal(kind="user", id=users["manager"].id, role=Role.manager)
        quarter_start = date(self.today.year, 3 * ((self.today.month - 1) // 3) + 1, 1)
        quarter_end = date(quarter_start.year + (quarter_start.month + 3 > 12), (quarter_start.month + 2) % 12 + 1, 1)
        for key, amount in (("manager", 30_000_000), ("director", 12_000_000), ("director2", 10_000_000)):
            await quotas.create_quota(self.session, QuotaCreate(owner_id=users[key].id, period_start=quarter_start,
                                                                period_end=quarter_end, amount=amount), manager)
        self.count("quotas", 3)


async def load_demo_dataset(settings: ProjectsSettings, force: bool = False) -> dict[str, int]:
    """Load the demo data unless the marker says it is there; returns what was created (empty when skipped).

    `force` skips the marker check (for a database whose demo rows were deleted but not the marker).
    """
    engine = make_engine(settings.async_database_url, SCHEMA)
    try:
        async with make_sessionmaker(engine)() as session, session.begin():
            # Two seeders started at once (several replicas) load the data once.
            await session.execute(sa.text("SELECT pg_advisory_xact_lock(hashtext('anken.demo_seed'))"))
            done = (await session.execute(sa.text(f"SELECT 1 FROM {SCHEMA}.demo_markers WHERE key = :k"), {"k": MARKER})).first()
            if done and not force:
                print("demo data already loaded; nothing to do")
                return {}
            loader = _Loader(session, settings)
            users = await loader.users()
            clients = await loader.clients()
            projects = await loader.projects(clients, users)
            staffed = await loader.assignments(projects, users)
            versions = await loader.scripts(projects, clients)
            targets = await loader.targets(projects)
            made = await loader.calls(projects, staffed, versions, targets)
            appointments = await loader.appointments(made)
            await loader.worked_hours()
            await loader.deals(users, appointments)
            await loader.quotas(users)
            await session.execute(sa.text(
                f"INSERT INTO {SCHEMA}.demo_markers (key, counts) VALUES (:k, CAST(:c AS jsonb)) "
                "ON CONFLICT (key) DO UPDATE SET counts = EXCLUDED.counts, loaded_at = now()"
            ), {"k": MARKER, "c": json.dumps(loader.counts)})
        print("demo data loaded: " + ", ".join(f"{k}={v}" for k, v in loader.counts.items()))
        print("log in as admin@demo.anken.jp, director@demo.anken.jp, manager@demo.anken.jp or member1@demo.anken.jp "
              "with the password from ANKEN_DEMO_PASSWORD")
        return loader.counts
    finally:
        await engine.dispose()
