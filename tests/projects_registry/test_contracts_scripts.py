"""Contract changes, assignments with worked hours, and script versioning."""

from __future__ import annotations

import httpx

from projects_registry.helpers import Actor, create_client, create_project, db_rows, make_user


async def test_contract_changes_validate_dates_and_update_terms(app_client: httpx.AsyncClient, admin: Actor) -> None:
    client = await create_client(app_client, admin)
    project = await create_project(app_client, admin, client["id"], contract_start="2026-10-01",
                                   contract_end="2027-03-31", contracted_monthly_hours=160)
    url = f"/v1/projects/{project['id']}/contract-changes"

    async def post(body: dict) -> httpx.Response:
        return await app_client.post(url, json=body, headers=admin.headers)

    backwards = await post({"kind": "renewal", "effective_date": "2027-04-01", "new_contract_end": "2027-03-01"})
    assert backwards.status_code == 422 and backwards.json()["errors"][0]["field"] == "new_contract_end"
    before_start = await post({"kind": "end", "effective_date": "2026-09-30"})
    assert before_start.status_code == 422 and before_start.json()["errors"][0]["field"] == "effective_date"
    no_term = await post({"kind": "renewal", "effective_date": "2027-04-01"})
    assert no_term.status_code == 422 and no_term.json()["errors"][0]["field"] == "new_contract_end"
    not_more = await post({"kind": "upsell", "effective_date": "2026-12-01", "hours_after": 120})
    assert not_more.status_code == 422 and not_more.json()["errors"][0]["field"] == "hours_after"
    not_less = await post({"kind": "downsell", "effective_date": "2026-12-01", "hours_after": 200})
    assert not_less.status_code == 422
    bad_kind = await post({"kind": "cancel", "effective_date": "2026-12-01"})
    assert bad_kind.status_code == 422 and bad_kind.json()["errors"][0]["field"] == "kind"

    upsell = await post({"kind": "upsell", "effective_date": "2026-12-01", "hours_after": 200, "note": "増枠"})
    assert upsell.status_code == 201, upsell.text
    assert (upsell.json()["hours_before"], upsell.json()["hours_after"]) == (160, 200)
    renewal = await post({"kind": "renewal", "effective_date": "2027-04-01", "new_contract_end": "2027-09-30"})
    assert renewal.status_code == 201 and renewal.json()["term_end_date"] == "2027-03-31"
    current = (await app_client.get(f"/v1/projects/{project['id']}", headers=admin.headers)).json()
    assert (current["contracted_monthly_hours"], current["contract_end"], current["version"]) == (200, "2027-09-30", 3)
    listed = (await app_client.get(url, headers=admin.headers)).json()["items"]
    assert [c["kind"] for c in listed] == ["upsell", "renewal"]
    events = await db_rows(app_client, "SELECT payload->>'kind' FROM projects.outbox_events "
                           "WHERE aggregate_id = :id AND type = 'contract_change.recorded' ORDER BY id", id=project["id"])
    assert [e[0] for e in events] == ["upsell", "renewal"]


async def test_assignments_and_worked_hours_upsert(app_client: httpx.AsyncClient, admin: Actor) -> None:
    client = await create_client(app_client, admin)
    director = await make_user(app_client, "director")
    member = await make_user(app_client, "member", name="鈴木 次郎")
    other = await make_user(app_client, "member")
    project = await create_project(app_client, director, client["id"])
    base = f"/v1/projects/{project['id']}"
    assigned = await app_client.post(f"{base}/assignments", json={"member_id": member.id, "planned_hours": 80},
                                     headers=director.headers)
    assert assigned.status_code == 201 and assigned.json()["member_name"] == "鈴木 次郎"
    duplicate = await app_client.post(f"{base}/assignments", json={"member_id": member.id}, headers=director.headers)
    assert duplicate.status_code == 409

    day_url = f"{base}/worked-hours/{member.id}/2026-11-20"
    first = await app_client.put(day_url, json={"hours": 6.5}, headers=member.headers)
    assert first.status_code == 200, first.text
    second = await app_client.put(day_url, json={"hours": 7.25}, headers=member.headers)
    assert second.status_code == 200 and second.json()["hours"] == 7.25 and second.json()["version"] == 2
    assert (await app_client.put(day_url, json={"hours": 25}, headers=member.headers)).status_code == 422
    future = await app_client.put(f"{base}/worked-hours/{member.id}/2999-01-01", json={"hours": 1}, headers=member.headers)
    assert future.status_code == 422 and future.json()["errors"][0]["field"] == "day"
    # Another member (not assigned) cannot see the project; nobody logs hours for someone unassigned.
    assert (await app_client.put(day_url, json={"hours": 1}, headers=other.headers)).status_code == 404
    unassigned = await app_client.put(f"{base}/worked-hours/{other.id}/2026-11-20", json={"hours": 1}, headers=director.headers)
    assert unassigned.status_code == 422
    rows = (await app_client.get(f"{base}/worked-hours", params={"from": "2026-11-01", "to": "2026-12-01"},
                                 headers=director.headers)).json()["items"]
    assert [(r["day"], r["hours"]) for r in rows] == [("2026-11-20", 7.25)]
    events = await db_rows(app_client, "SELECT payload->>'hours' FROM projects.outbox_events "
                           "WHERE aggregate_id = :id AND type = 'worked_hours.logged' ORDER BY id", id=project["id"])
    assert [float(e[0]) for e in events] == [6.5, 7.25]

    assignment = assigned.json()
    stale = await app_client.patch(f"{base}/assignments/{assignment['id']}", json={"planned_hours": 90},
                                   headers={**director.headers, "If-Match": 'W/"5"'})
    assert stale.status_code == 412
    updated = await app_client.patch(f"{base}/assignments/{assignment['id']}", json={"planned_hours": 90},
                                     headers={**director.headers, "If-Match": 'W/"1"'})
    assert updated.status_code == 200 and updated.json()["planned_hours"] == 90
    removed = await app_client.delete(f"{base}/assignments/{assignment['id']}", headers=director.headers)
    assert removed.status_code == 204
    assert (await app_client.get(base, headers=member.headers)).status_code == 404


async def test_script_edits_are_new_versions_with_one_active(app_client: httpx.AsyncClient, admin: Actor) -> None:
    client = await create_client(app_client, admin)
    director = await make_user(app_client, "director")
    project = await create_project(app_client, director, client["id"])
    base = f"/v1/projects/{project['id']}/scripts"
    a = await app_client.post(base, json={"pattern": "A", "title": "課題訴求", "body": "もしもし v1"}, headers=director.headers)
    assert a.status_code == 201 and a.json()["variant"] == "A" and a.json()["active_version"]["version"] == 1
    a_it = await app_client.post(base, json={"pattern": "A", "industry": "IT", "title": "IT向け", "body": "IT"},
                                 headers=director.headers)
    assert a_it.status_code == 201 and a_it.json()["variant"] == "A:IT"
    clash = await app_client.post(base, json={"pattern": "A", "title": "x", "body": "y"}, headers=director.headers)
    assert clash.status_code == 409
    bad = await app_client.post(base, json={"pattern": "C", "title": "x", "body": "y"}, headers=director.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "pattern"

    script_id = a.json()["id"]
    for n in (2, 3):
        edit = await app_client.post(f"{base}/{script_id}/versions", json={"title": f"課題訴求 v{n}", "body": f"もしもし v{n}"},
                                     headers=director.headers)
        assert edit.status_code == 201 and edit.json()["version"] == n and edit.json()["is_active"]
    history = (await app_client.get(f"{base}/{script_id}/versions", headers=director.headers)).json()["items"]
    assert [(v["version"], v["is_active"], v["body"]) for v in history] == [
        (3, True, "もしもし v3"), (2, False, "もしもし v2"), (1, False, "もしもし v1")]
    rolled = await app_client.post(f"{base}/{script_id}/versions/1/activate", headers=director.headers)
    assert rolled.status_code == 200 and rolled.json()["is_active"]
    listed = (await app_client.get(base, headers=director.headers)).json()["items"]
    assert {s["variant"]: s["active_version"]["version"] for s in listed} == {"A": 1, "A:IT": 1}
    actives = await db_rows(app_client, "SELECT count(*) FROM projects.script_versions WHERE script_id = :id AND is_active",
                            id=script_id)
    assert actives[0][0] == 1
    events = await db_rows(app_client, "SELECT payload->>'variant', payload->>'version' FROM projects.outbox_events "
                           "WHERE aggregate_id = :id AND type = 'script.version_created' ORDER BY id", id=project["id"])
    assert [tuple(e) for e in events] == [("A", "1"), ("A:IT", "1"), ("A", "2"), ("A", "3")]
    member = await make_user(app_client, "member")
    await app_client.post(f"/v1/projects/{project['id']}/assignments", json={"member_id": member.id}, headers=director.headers)
    assert (await app_client.get(base, headers=member.headers)).status_code == 200
    forbidden = await app_client.post(f"{base}/{script_id}/versions", json={"title": "x", "body": "y"}, headers=member.headers)
    assert forbidden.status_code == 403
