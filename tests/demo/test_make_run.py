"""Acceptance: `make run` (its entry point, deploy/local/run.py run) on a fresh machine starts
everything, loads the demo through the real services, and the integrations visibly run:
every active demo project has its Slack channel, Confluence page tree and spreadsheet in the
sandbox; a newly logged appointment reaches Slack once within 2 s; the login throttle holds;
member1 can call on every project they are assigned to; an invitation is mailed to the sandbox's SMTP
catcher; a second start does not load again."""

from __future__ import annotations

import re
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from demo_run import DemoRun, login, sandbox_items, start, wait_for

ACTIVE_SETUP_WITHIN_S = 120
KICKOFF_CHILD_PAGES = 3  # agenda, talk scripts and FAQ under the overview


def _projects(demo: DemoRun, headers: dict[str, str]) -> list[dict]:
    response = httpx.get(f"{demo.url('projects')}/v1/projects", headers=headers, params={"limit": 100}, timeout=30)
    response.raise_for_status()
    return response.json()["items"]


def _settled(demo: DemoRun) -> bool:
    """The sandbox's Slack messages stop growing: the worker has delivered the demo's backlog."""
    first = len(sandbox_items(demo, "slack/messages"))
    time.sleep(2)
    return first > 0 and len(sandbox_items(demo, "slack/messages")) == first


def test_the_demo_loads_through_the_services_in_under_a_minute(demo: DemoRun) -> None:
    seconds = demo.load_seconds()
    assert seconds is not None
    # The benchmark (bench/README.md) is under a minute on the 2-core host; a busy CI host gets slack.
    assert seconds < 120, seconds


def test_each_active_demo_project_has_a_channel_a_page_tree_and_a_spreadsheet(demo: DemoRun) -> None:
    admin = login(demo, "admin@demo.anken.jp")

    def linked() -> list[dict] | None:
        active = [p for p in _projects(demo, admin) if p["status"] == "active"]
        done = all(p.get("slack_channel") and p.get("confluence_page_url") and p.get("spreadsheet_url") for p in active)
        return active if active and done else None

    active = wait_for(linked, ACTIVE_SETUP_WITHIN_S, "links written back by the worker", demo)
    assert len(active) >= 5
    channels = {c["name"]: c for c in sandbox_items(demo, "slack/channels")}
    pages = sandbox_items(demo, "confluence/pages")
    spreadsheets = sandbox_items(demo, "sheets/spreadsheets")
    messages = sandbox_items(demo, "slack/messages")
    for project in active:
        channel = channels.get(project["slack_channel"].removeprefix("#"))
        assert channel is not None, (project["name"], sorted(channels))
        assert len(channel["members"]) >= 3, "the bot, the director and the members were invited"
        tree = [p for p in pages if p["title"].startswith(project["name"])]
        roots = [p for p in tree if p["title"].endswith("案件概要")]
        assert len(roots) == 1, [p["title"] for p in tree]
        children = [p for p in tree if p["parent_id"] == roots[0]["id"]]
        assert len(children) >= KICKOFF_CHILD_PAGES + 1, [p["title"] for p in children]  # + last week's report
        assert any("週次レポート" in p["title"] for p in children), "last week's published report is in Confluence"
        sheet = [s for s in spreadsheets if s["spreadsheet_id"] in project["spreadsheet_url"]]
        assert len(sheet) == 1, project["spreadsheet_url"]
        posts = [m for m in messages if m["channel_id"] == channel["id"]]
        assert any("アポ" in m["text"] for m in posts), "the past month's appointments were posted"


def test_member1_can_call_on_every_project_they_are_assigned_to(demo: DemoRun) -> None:
    member = login(demo, "member1@demo.anken.jp")
    assigned = _projects(demo, member)
    assert len(assigned) >= 3
    for project in assigned:
        response = httpx.post(f"{demo.url('projects')}/v1/projects/{project['id']}/next-target", headers=member,
                              json={}, timeout=30)
        assert response.status_code == 200, response.text
        assert response.json()["target"] is not None, f"「架電先がありません」 on {project['name']}"


def test_the_month_is_believable(demo: DemoRun) -> None:
    director = login(demo, "admin@demo.anken.jp")
    active = [p for p in _projects(demo, director) if p["status"] == "active"]
    today = datetime.now(ZoneInfo("Asia/Tokyo")).date()
    exhaustion: list[date] = []
    for project in active:
        response = httpx.get(f"{demo.url('reporting')}/v1/projects/{project['id']}/kpis", headers=director, timeout=30,
                             params={"from": (today - timedelta(days=31)).isoformat(),
                                     "to": (today + timedelta(days=1)).isoformat()})
        response.raise_for_status()
        exhaustion.append(date.fromisoformat(response.json()["list_exhaustion_date"]))
    assert len(set(exhaustion)) == len(exhaustion), f"list exhaustion dates are spread out: {exhaustion}"
    assert min(exhaustion) <= today + timedelta(days=12), "one list runs out next week"
    alerts = httpx.get(f"{demo.url('reporting')}/v1/alerts", headers=director, timeout=30).json()["items"]
    assert alerts, "one member is under pace this morning: a live alert"
    manager = login(demo, "manager@demo.anken.jp")
    snapshots = httpx.get(f"{demo.url('reporting')}/v1/forecast/snapshots", headers=manager, timeout=30).json()["items"]
    assert len({s["snapshot_week"] for s in snapshots}) == 4, "a forecast snapshot for each of the last four weeks"
    assert len({(s["commit"], s["best_case"]) for s in snapshots if s["period"] == snapshots[0]["period"]}) > 1, \
        "each week's snapshot saw the pipeline as it stood then"


def test_a_new_appointment_reaches_the_sandbox_slack_once_within_two_seconds(demo: DemoRun) -> None:
    wait_for(lambda: _settled(demo), 120, "the demo's Slack backlog delivered", demo, interval=0)
    member = login(demo, "member1@demo.anken.jp")
    me = httpx.get(f"{demo.url('projects')}/v1/auth/me", headers=member, timeout=30).json()
    project = _projects(demo, member)[0]
    handed = httpx.post(f"{demo.url('projects')}/v1/projects/{project['id']}/next-target", headers=member, json={},
                        timeout=30).json()
    target = handed["target"]
    now = datetime.now(UTC)
    logged = httpx.post(f"{demo.url('projects')}/v1/projects/{project['id']}/calls", headers=member, timeout=30, json={
        "target_id": target["id"], "member_id": me["id"], "occurred_at": now.isoformat(), "outcome": "appointment",
        "duration_s": 300, "variant": handed["variant"], "appointment": {
            "meeting_at": (now + timedelta(days=3)).isoformat(), "contact_name": "新井 誠",
            "contact_title": "情報システム部 部長", "qualification": {"budget": "来期予算で検討"}}})
    assert logged.status_code == 201, logged.text
    started = time.monotonic()

    def posted() -> list[dict]:
        return [m for m in sandbox_items(demo, "slack/messages") if target["company_name"] in m["text"]]

    found = wait_for(posted, 2, "the new appointment in the sandbox Slack", demo, interval=0.05)
    assert time.monotonic() - started <= 2.0
    time.sleep(2)
    assert len(posted()) == len(found) == 1, "posted exactly once"


def test_an_invitation_is_mailed_to_the_sandboxs_smtp_catcher(demo: DemoRun) -> None:
    """make run wires projects-api's SMTP to the sandbox: the mail, with the web app's absolute link, is there."""
    admin = login(demo, "admin@demo.anken.jp")
    clients = httpx.get(f"{demo.url('projects')}/v1/clients", headers=admin, timeout=30).json()["items"]
    email = f"invited-{time.monotonic_ns()}@client.example.jp"
    invited = httpx.post(f"{demo.url('projects')}/v1/clients/{clients[0]['id']}/invitations", headers=admin, timeout=30,
                         json={"email": email, "name": "招待 花子"})
    assert invited.status_code == 201 and invited.json()["mail_sent"] is True, invited.text
    [mail] = sandbox_items(demo, "mail/messages", to=email)
    assert demo.url("web") + invited.json()["link"] in mail["text"].splitlines(), mail["text"]
    assert mail["subject"] == f"【Anken】{clients[0]['name']} 様 ご担当者としてのご招待"
    httpx.delete(f"{demo.url('projects')}/v1/invitations/{invited.json()['id']}", headers=admin,
                 timeout=30).raise_for_status()


def test_the_login_throttle_answers_429_after_the_limit(demo: DemoRun) -> None:
    statuses = []
    for _ in range(12):
        response = httpx.post(f"{demo.url('projects')}/v1/auth/token", timeout=30,
                              json={"email": "director2@demo.anken.jp", "password": "not-the-password"})
        statuses.append(response.status_code)
    assert statuses[0] == 401
    assert statuses[-1] == 429, statuses


def test_each_demo_role_lands_on_a_page_with_its_first_login_guide(demo: DemoRun) -> None:
    for role, link in (("director", "/projects"), ("member1", "/calling"), ("manager", "/forecast"),
                       ("admin", "/admin/sandbox")):
        with httpx.Client(base_url=demo.url("web"), timeout=30, follow_redirects=True) as web:
            form = web.get("/login").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', form)
            assert token, "the login form carries its CSRF field"
            page = web.post("/login", data={"email": f"{role}@demo.anken.jp", "password": "anken-demo",
                                            "csrf_token": token.group(1)})
            assert page.status_code == 200, page.text[:500]
            assert "data-demo-guide=" in page.text and "まずはこちら" in page.text, (role, page.url)
            assert f'href="{link}"' in page.text
            assert web.get("/static/demo_guide.js").status_code == 200


def test_a_second_make_run_does_not_load_again_and_demo_reset_loads_afresh(demo: DemoRun, run_home, run_infra) -> None:
    demo.stop()
    again = start(run_home, run_infra)
    try:
        wait_for(lambda: "demo data already loaded" in again.log(), 180, "the seed's verdict", again)
        assert again.load_seconds() is None
    finally:
        again.stop()
    reset = start(run_home, run_infra, "demo-reset")
    try:
        wait_for(lambda: reset.load_seconds() is not None, 300, "the demo loaded again", reset)
        assert "dropping the schemas" in reset.log()
        admin = login(reset, "admin@demo.anken.jp")
        assert len(_projects(reset, admin)) == 10, "the demo's projects once, not twice"
        wait_for(lambda: len(sandbox_items(reset, "slack/channels")) >= 9, 120, "channels made afresh", reset)
    finally:
        reset.stop()
