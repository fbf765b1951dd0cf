"""What the project settings screen relies on: every field of a project can be changed with PATCH and
If-Match (a stale version is 412 and changes nothing), a project says which statuses it may move to
next, and a member can be unassigned with If-Match."""

from __future__ import annotations

import httpx

from projects_registry.helpers import Actor, create_client, create_project, db_rows, make_user

EVERY_FIELD = {
    "name": "設定画面で変えた案件名", "product": "経費精算クラウド", "timezone": "America/New_York",
    "monthly_appointment_target": 33, "contracted_monthly_hours": 240,
    "contract_start": "2026-04-01", "contract_end": "2027-03-31", "renewal_date": "2027-02-01",
    "appointment_definition": "経理責任者と30分のオンライン商談", "qualification_fields": ["budget", "need", "導入時期"],
    "target_definition": "関西の従業員100名以上の卸売業", "handoff_contact": "営業部 高橋",
    "calendar_link": "https://calendar.example.jp/takahashi", "slack_channel": "#pj-settings",
    "confluence_page_url": "https://wiki.example.jp/pages/1", "spreadsheet_url": "https://sheets.example.jp/d/1",
    "extra_closed_days": ["2026-12-30", "2026-12-29"], "weekly_meeting_weekday": 4, "weekly_meeting_time": "15:30",
    "ab_manual_choice": True, "client_sees_member_names": True,
}


async def test_every_field_is_patched_with_if_match(app_client: httpx.AsyncClient, admin: Actor) -> None:
    client = await create_client(app_client, admin)
    director = await make_user(app_client, "director")
    project = await create_project(app_client, director, client["id"])
    url = f"/v1/projects/{project['id']}"
    saved = await app_client.patch(url, json=EVERY_FIELD, headers={**director.headers, "If-Match": 'W/"1"'})
    assert saved.status_code == 200, saved.text
    assert saved.headers["etag"] == 'W/"2"'
    after = (await app_client.get(url, headers=director.headers)).json()
    for field, value in EVERY_FIELD.items():
        expected = sorted(value) if field == "extra_closed_days" else value
        assert after[field] == expected, field
    # A form rendered at version 1 saves after someone else did: 412, nothing of it is written.
    stale = await app_client.patch(url, json={"name": "古い画面からの保存"}, headers={**director.headers, "If-Match": 'W/"1"'})
    assert stale.status_code == 412 and stale.json()["current_etag"] == 'W/"2"'
    assert (await app_client.get(url, headers=director.headers)).json()["name"] == EVERY_FIELD["name"]
    # Optional fields are cleared with null.
    cleared = await app_client.patch(url, json={"calendar_link": None, "weekly_meeting_weekday": None},
                                     headers={**director.headers, "If-Match": 'W/"2"'})
    assert cleared.status_code == 200 and cleared.json()["calendar_link"] is None
    assert cleared.json()["weekly_meeting_weekday"] is None


async def test_client_sees_member_names_is_off_by_default_and_travels_in_project_events(
    app_client: httpx.AsyncClient, admin: Actor,
) -> None:
    client = await create_client(app_client, admin)
    director = await make_user(app_client, "director")
    project = await create_project(app_client, director, client["id"])
    assert project["client_sees_member_names"] is False
    url = f"/v1/projects/{project['id']}"
    not_a_bool = await app_client.patch(url, json={"client_sees_member_names": "yes"},
                                        headers={**director.headers, "If-Match": 'W/"1"'})
    assert not_a_bool.status_code == 422 and not_a_bool.json()["errors"][0]["field"] == "client_sees_member_names"
    allowed = await app_client.patch(url, json={"client_sees_member_names": True},
                                     headers={**director.headers, "If-Match": 'W/"1"'})
    assert allowed.status_code == 200 and allowed.json()["client_sees_member_names"] is True
    # reporting-api learns the setting from the project events (its per-member figures for the client).
    events = await db_rows(app_client, "SELECT type, payload->>'client_sees_member_names' FROM projects.outbox_events "
                                       "WHERE aggregate_id = :id ORDER BY id", id=project["id"])
    assert [tuple(e) for e in events if e[0] in ("project.created", "project.updated")] == [
        ("project.created", "false"), ("project.updated", "true")]


async def test_refusals_name_the_field_and_the_rule(app_client: httpx.AsyncClient, admin: Actor) -> None:
    client = await create_client(app_client, admin)
    project = await create_project(app_client, admin, client["id"])
    url = f"/v1/projects/{project['id']}"
    refused = await app_client.patch(url, json={"calendar_link": "not a url", "handoff_contact": "あ" * 201,
                                                "qualification_fields": ["budget", ""]}, headers=admin.headers)
    assert refused.status_code == 422
    by_field = {e["field"]: e["type"] for e in refused.json()["errors"]}
    assert by_field == {"calendar_link": "value_error", "handoff_contact": "string_too_long",
                        "qualification_fields.1": "string_too_short"}
    backwards = await app_client.patch(url, json={"contract_start": "2027-01-01", "contract_end": "2026-01-01"},
                                       headers=admin.headers)
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "contract_end"


async def test_a_project_names_its_next_statuses(app_client: httpx.AsyncClient, admin: Actor) -> None:
    client = await create_client(app_client, admin)
    project = await create_project(app_client, admin, client["id"])
    assert project["allowed_transitions"] == ["kickoff"]
    url = f"/v1/projects/{project['id']}"
    items = (await app_client.get(f"{url}/kickoff-items", headers=admin.headers)).json()["items"]
    for item in items:
        agreed = await app_client.patch(f"{url}/kickoff-items/{item['key']}", json={"agreed": True}, headers=admin.headers)
        assert agreed.status_code == 200
    expected = {"kickoff": ["active"], "active": ["paused", "ended"], "paused": ["active", "ended"], "ended": []}
    for status in ("kickoff", "active", "paused", "ended"):
        moved = await app_client.post(f"{url}/transitions", json={"to": status}, headers=admin.headers)
        assert moved.status_code == 200, moved.text
        assert moved.json()["allowed_transitions"] == expected[status], status
    listed = (await app_client.get("/v1/projects", params={"q": project["name"]}, headers=admin.headers)).json()["items"]
    assert [p["allowed_transitions"] for p in listed] == [[]]


async def test_a_member_is_unassigned_with_if_match(app_client: httpx.AsyncClient, admin: Actor) -> None:
    client = await create_client(app_client, admin)
    director = await make_user(app_client, "director")
    member = await make_user(app_client, "member")
    project = await create_project(app_client, director, client["id"])
    base = f"/v1/projects/{project['id']}/assignments"
    assignment = (await app_client.post(base, json={"member_id": member.id, "planned_hours": 40},
                                        headers=director.headers)).json()
    # Another member of the staff cannot remove it; a stale version is 412; the right one removes it.
    assert (await app_client.delete(f"{base}/{assignment['id']}", headers=member.headers)).status_code == 403
    stale = await app_client.delete(f"{base}/{assignment['id']}", headers={**director.headers, "If-Match": 'W/"9"'})
    assert stale.status_code == 412
    removed = await app_client.delete(f"{base}/{assignment['id']}", headers={**director.headers, "If-Match": 'W/"1"'})
    assert removed.status_code == 204
    assert (await app_client.get(base, headers=director.headers)).json()["items"] == []
    again = await app_client.delete(f"{base}/{assignment['id']}", headers=director.headers)
    assert again.status_code == 404


async def test_the_limits_of_a_projects_screens_come_from_the_request_models(
    app_client: httpx.AsyncClient, admin: Actor,
) -> None:
    member = await make_user(app_client, "member")
    response = await app_client.get("/v1/projects/limits", headers=member.headers)
    assert response.status_code == 200, response.text
    limits = response.json()
    assert limits["name"] == {"max_length": 200, "min_length": 1}
    assert limits["appointment_definition"] == {"max_length": 5000}
    assert limits["qualification_fields"] == {"max_items": 30}
    assert limits["qualification_fields.*"] == {"max_length": 100, "min_length": 1}
    assert limits["monthly_appointment_target"] == {"minimum": 0, "maximum": 100_000}
    assert limits["kickoff_item.value"] == {"max_length": 5000}
    assert limits["assignment.planned_hours"] == {"minimum": 0, "maximum": 1000}
    assert limits["script.body"] == {"max_length": 50_000, "min_length": 1}
    assert limits["contract_change.note"] == {"max_length": 2000}
    assert limits["daily_report.next_actions"] == {"max_length": 4000}
    assert (await app_client.get("/v1/projects/limits")).status_code == 401
