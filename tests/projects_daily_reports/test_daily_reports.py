"""Daily reports (日報): upsert per member and day, the worked-hours rules, outbox event, list RBAC."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest
from projects_registry.helpers import Actor, create_client, create_project, db_rows, make_user

DAY = "2026-11-20"
REPORT = {
    "hours": 7.5,
    "summary": "架電120件、接続18件、アポ2件。",
    "good_reactions": "人手不足の話題に関心が高い",
    "objections": "今は検討していない",
    "next_actions": "製造業リストを優先する",
}


@dataclass
class Floor:
    base: str
    project: dict
    director: Actor
    member: Actor
    colleague: Actor


@pytest.fixture
async def floor(app_client: httpx.AsyncClient, admin: Actor) -> Floor:
    """A project directed by `director`, with `member` and `colleague` both assigned."""
    client = await create_client(app_client, admin)
    director = await make_user(app_client, "director")
    member = await make_user(app_client, "member")
    colleague = await make_user(app_client, "member")
    project = await create_project(app_client, director, client["id"])
    base = f"/v1/projects/{project['id']}"
    for actor in (member, colleague):
        assigned = await app_client.post(f"{base}/assignments", json={"member_id": actor.id}, headers=director.headers)
        assert assigned.status_code == 201, assigned.text
    return Floor(base=base, project=project, director=director, member=member, colleague=colleague)


async def test_upsert_twice_keeps_one_row_and_sets_worked_hours(app_client: httpx.AsyncClient, floor: Floor) -> None:
    url = f"{floor.base}/daily-reports/{floor.member.id}/{DAY}"
    first = await app_client.put(url, json=REPORT, headers=floor.member.headers)
    assert first.status_code == 200, first.text
    assert first.json()["summary"] == REPORT["summary"] and first.json()["version"] == 1
    second = await app_client.put(url, json={**REPORT, "hours": 8, "summary": "訂正: アポ3件"},
                                  headers=floor.member.headers)
    assert second.status_code == 200, second.text
    body = second.json()
    assert (body["id"], body["hours"], body["summary"], body["version"]) == (first.json()["id"], 8.0, "訂正: アポ3件", 2)
    assert second.headers["etag"] == 'W/"2"'

    rows = await db_rows(app_client, "SELECT summary, hours FROM projects.daily_reports "
                         "WHERE project_id = :p AND member_id = :m", p=floor.project["id"], m=floor.member.id)
    assert [(r[0], float(r[1])) for r in rows] == [("訂正: アポ3件", 8.0)]
    # The hours live in worked_hours too, so KPI reads (hours per appointment) see the report's figure.
    hours = (await app_client.get(f"{floor.base}/worked-hours", params={"member_id": floor.member.id},
                                  headers=floor.director.headers)).json()["items"]
    assert [(h["day"], h["hours"]) for h in hours] == [(DAY, 8.0)]


async def test_event_and_audit_written_with_the_report(app_client: httpx.AsyncClient, floor: Floor) -> None:
    url = f"{floor.base}/daily-reports/{floor.member.id}/{DAY}"
    saved = await app_client.put(url, json=REPORT, headers=floor.member.headers)
    assert saved.status_code == 200, saved.text
    events = await db_rows(app_client, "SELECT payload->>'member_id', payload->>'summary', payload->>'hours', tenant "
                           "FROM projects.outbox_events WHERE aggregate_id = :id AND type = 'daily_report.submitted'",
                           id=floor.project["id"])
    assert [(e[0], e[1], float(e[2]), str(e[3])) for e in events] == [
        (floor.member.id, REPORT["summary"], 7.5, floor.project["client_id"])
    ]
    audits = await db_rows(app_client, "SELECT actor_id FROM projects.audit_entries "
                           "WHERE action = 'daily_report.put' AND entity_id = :id", id=saved.json()["id"])
    assert [a[0] for a in audits] == [floor.member.id]


async def test_member_cannot_report_for_another_member(app_client: httpx.AsyncClient, floor: Floor,
                                                       admin: Actor) -> None:
    for_colleague = await app_client.put(f"{floor.base}/daily-reports/{floor.colleague.id}/{DAY}", json=REPORT,
                                         headers=floor.member.headers)
    assert for_colleague.status_code == 403
    # A member of another project does not even see this one.
    outsider = await make_user(app_client, "member")
    hidden = await app_client.put(f"{floor.base}/daily-reports/{outsider.id}/{DAY}", json=REPORT,
                                  headers=outsider.headers)
    assert hidden.status_code == 404
    # Nobody reports for someone not assigned to the project.
    unassigned = await app_client.put(f"{floor.base}/daily-reports/{outsider.id}/{DAY}", json=REPORT,
                                      headers=admin.headers)
    assert unassigned.status_code == 422 and unassigned.json()["errors"][0]["field"] == "member_id"
    rows = await db_rows(app_client, "SELECT count(*) FROM projects.daily_reports WHERE project_id = :p",
                         p=floor.project["id"])
    assert rows[0][0] == 0


async def test_validation_names_the_field(app_client: httpx.AsyncClient, floor: Floor) -> None:
    future = await app_client.put(f"{floor.base}/daily-reports/{floor.member.id}/2999-01-01", json=REPORT,
                                  headers=floor.member.headers)
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "day"
    url = f"{floor.base}/daily-reports/{floor.member.id}/{DAY}"
    too_long = await app_client.put(url, json={**REPORT, "summary": "あ" * 4001}, headers=floor.member.headers)
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "summary"
    too_many_hours = await app_client.put(url, json={**REPORT, "hours": 25}, headers=floor.member.headers)
    assert too_many_hours.status_code == 422 and too_many_hours.json()["errors"][0]["field"] == "hours"
    unknown = await app_client.put(url, json={**REPORT, "mood": "good"}, headers=floor.member.headers)
    assert unknown.status_code == 422
    # Nothing was written by the refused requests, hours included.
    for table in ("daily_reports", "worked_hours"):
        rows = await db_rows(app_client, f"SELECT count(*) FROM projects.{table} WHERE project_id = :p",
                             p=floor.project["id"])
        assert rows[0][0] == 0


async def test_list_rbac_and_pagination(app_client: httpx.AsyncClient, floor: Floor) -> None:
    for actor, day in ((floor.member, "2026-11-19"), (floor.member, DAY), (floor.colleague, DAY)):
        saved = await app_client.put(f"{floor.base}/daily-reports/{actor.id}/{day}", json=REPORT, headers=actor.headers)
        assert saved.status_code == 200, saved.text
    url = f"{floor.base}/daily-reports"

    own = (await app_client.get(url, headers=floor.member.headers)).json()
    assert [(r["member_id"], r["day"]) for r in own["items"]] == [(floor.member.id, DAY), (floor.member.id, "2026-11-19")]
    peek = await app_client.get(url, params={"member_id": floor.colleague.id}, headers=floor.member.headers)
    assert peek.status_code == 403

    everyone = (await app_client.get(url, params={"day": DAY}, headers=floor.director.headers)).json()["items"]
    assert sorted(r["member_id"] for r in everyone) == sorted([floor.member.id, floor.colleague.id])
    manager = await make_user(app_client, "manager")
    assert len((await app_client.get(url, headers=manager.headers)).json()["items"]) == 3
    other_director = await make_user(app_client, "director")
    assert (await app_client.get(url, headers=other_director.headers)).status_code == 404

    first = (await app_client.get(url, params={"limit": 2}, headers=floor.director.headers)).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = (await app_client.get(url, params={"limit": 2, "cursor": first["next_cursor"]},
                                 headers=floor.director.headers)).json()
    assert [r["day"] for r in rest["items"]] == ["2026-11-19"] and rest["next_cursor"] is None
    bad = await app_client.get(url, params={"cursor": "nope"}, headers=floor.director.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "cursor"
