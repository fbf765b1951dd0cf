"""Project lifecycle: the state machine, kickoff gating, ETag/If-Match, outbox and audit in one transaction."""

from __future__ import annotations

import httpx

from projects_registry.helpers import Actor, create_client, create_project, db_rows, make_user

REQUIRED_KICKOFF = ["appointment_definition", "qualification_fields", "target_definition",
                    "handoff_contact", "calendar_link", "reporting_channel"]


async def _transition(client: httpx.AsyncClient, actor: Actor, project_id: str, to: str) -> httpx.Response:
    return await client.post(f"/v1/projects/{project_id}/transitions", json={"to": to}, headers=actor.headers)


async def test_illegal_transition_is_409_listing_allowed(app_client: httpx.AsyncClient, admin: Actor) -> None:
    client = await create_client(app_client, admin)
    project = await create_project(app_client, admin, client["id"])
    response = await _transition(app_client, admin, project["id"], "active")
    assert response.status_code == 409
    assert response.json()["allowed"] == ["kickoff"]
    assert response.headers["content-type"].startswith("application/problem+json")
    unknown = await _transition(app_client, admin, project["id"], "archived")
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "to"


async def test_active_requires_every_required_kickoff_item(app_client: httpx.AsyncClient, admin: Actor) -> None:
    client = await create_client(app_client, admin)
    director = await make_user(app_client, "director")
    project = await create_project(app_client, director, client["id"])
    pid = project["id"]
    checklist = (await app_client.get(f"/v1/projects/{pid}/kickoff-items", headers=director.headers)).json()
    assert [i["key"] for i in checklist["items"]] == REQUIRED_KICKOFF
    assert checklist["ready_for_active"] is False
    assert (await _transition(app_client, director, pid, "kickoff")).status_code == 200

    for key in REQUIRED_KICKOFF[:-1]:
        agreed = await app_client.patch(f"/v1/projects/{pid}/kickoff-items/{key}", json={"agreed": True, "value": "合意済み"},
                                        headers=director.headers)
        assert agreed.status_code == 200 and agreed.json()["agreed_by"] == director.id
    blocked = await _transition(app_client, director, pid, "active")
    assert blocked.status_code == 409
    assert blocked.json()["missing_kickoff_items"] == ["reporting_channel"]
    assert "reporting_channel" in blocked.json()["detail"]

    # An optional extra item does not gate activation.
    extra = await app_client.post(f"/v1/projects/{pid}/kickoff-items", json={"key": "nda", "label": "NDA締結"},
                                  headers=director.headers)
    assert extra.status_code == 201
    again = await app_client.post(f"/v1/projects/{pid}/kickoff-items", json={"key": "nda", "label": "NDA"},
                                  headers=director.headers)
    assert again.status_code == 409
    await app_client.patch(f"/v1/projects/{pid}/kickoff-items/reporting_channel", json={"agreed": True},
                           headers=director.headers)
    active = await _transition(app_client, director, pid, "active")
    assert active.status_code == 200 and active.json()["status"] == "active"

    assert (await _transition(app_client, director, pid, "paused")).status_code == 200
    assert (await _transition(app_client, director, pid, "active")).status_code == 200
    back = await _transition(app_client, director, pid, "kickoff")
    assert back.status_code == 409 and back.json()["allowed"] == ["paused", "ended"]
    assert (await _transition(app_client, director, pid, "ended")).status_code == 200
    final = await _transition(app_client, director, pid, "active")
    assert final.status_code == 409 and final.json()["allowed"] == []

    events = await db_rows(app_client, "SELECT payload->>'status', payload->>'previous_status' FROM projects.outbox_events "
                           "WHERE aggregate_id = :id AND type = 'project.status_changed' ORDER BY id", id=pid)
    assert [tuple(e) for e in events] == [("kickoff", "draft"), ("active", "kickoff"), ("paused", "active"),
                                          ("active", "paused"), ("ended", "active")]
    kickoff_events = await db_rows(app_client, "SELECT count(*) FROM projects.outbox_events "
                                   "WHERE aggregate_id = :id AND type = 'kickoff_item.updated'", id=pid)
    assert kickoff_events[0][0] == len(REQUIRED_KICKOFF) + 1


async def test_etag_and_if_match(app_client: httpx.AsyncClient, admin: Actor) -> None:
    client = await create_client(app_client, admin)
    project = await create_project(app_client, admin, client["id"])
    url = f"/v1/projects/{project['id']}"
    read = await app_client.get(url, headers=admin.headers)
    etag = read.headers["etag"]
    assert etag == 'W/"1"'
    first = await app_client.patch(url, json={"monthly_appointment_target": 30}, headers={**admin.headers, "If-Match": etag})
    assert first.status_code == 200 and first.headers["etag"] == 'W/"2"' and first.json()["version"] == 2
    stale = await app_client.patch(url, json={"monthly_appointment_target": 10}, headers={**admin.headers, "If-Match": etag})
    assert stale.status_code == 412 and stale.json()["current_etag"] == 'W/"2"'
    assert (await app_client.get(url, headers=admin.headers)).json()["monthly_appointment_target"] == 30
    # Clients (and every other PATCHable resource) follow the same rule.
    curl = f"/v1/clients/{client['id']}"
    assert (await app_client.patch(curl, json={"industry": "SaaS"}, headers={**admin.headers, "If-Match": 'W/"9"'})).status_code == 412


async def test_write_records_outbox_and_audit_and_a_failed_write_records_nothing(
    app_client: httpx.AsyncClient, admin: Actor
) -> None:
    client = await create_client(app_client, admin)
    project = await create_project(app_client, admin, client["id"], contract_start="2026-10-01", contract_end="2027-03-31")
    pid = project["id"]
    created = await db_rows(app_client, "SELECT type, tenant FROM projects.outbox_events WHERE aggregate_id = :id", id=pid)
    assert [(r[0], str(r[1])) for r in created] == [("project.created", client["id"])]
    audit = (await app_client.get("/v1/audit-entries", params={"entity_type": "project", "entity_id": pid},
                                  headers=admin.headers)).json()["items"]
    assert [a["action"] for a in audit] == ["project.create"]
    assert audit[0]["actor_id"] == admin.id and audit[0]["after"]["name"] == project["name"]

    count_sql = ("SELECT (SELECT count(*) FROM projects.outbox_events), (SELECT count(*) FROM projects.audit_entries), "
                 "(SELECT version FROM projects.projects WHERE id = :id)")
    before = tuple((await db_rows(app_client, count_sql, id=pid))[0])
    # Passes the schema, then fails a rule that needs the stored row: nothing of it may persist.
    failed = await app_client.patch(f"/v1/projects/{pid}", json={"contract_end": "2026-09-01"}, headers=admin.headers)
    assert failed.status_code == 422 and failed.json()["errors"][0]["field"] == "contract_end"
    assert tuple((await db_rows(app_client, count_sql, id=pid))[0]) == before

    ok = await app_client.patch(f"/v1/projects/{pid}", json={"weekly_meeting_weekday": 3, "weekly_meeting_time": "16:00"},
                                headers=admin.headers)
    assert ok.status_code == 200
    after = await db_rows(app_client, "SELECT payload->>'weekly_meeting_time' FROM projects.outbox_events "
                          "WHERE aggregate_id = :id AND type = 'project.updated'", id=pid)
    assert [r[0] for r in after] == ["16:00"]
    audit = (await app_client.get("/v1/audit-entries", params={"entity_id": pid, "action": "project.update"},
                                  headers=admin.headers)).json()["items"]
    assert audit[0]["before"]["weekly_meeting_time"] is None and audit[0]["after"]["weekly_meeting_time"] == "16:00"
    member = await make_user(app_client, "member")
    assert (await app_client.get("/v1/audit-entries", headers=member.headers)).status_code == 403


async def test_change_and_its_outbox_event_commit_or_roll_back_together(app_client: httpx.AsyncClient) -> None:
    import pytest

    from anken_projects.auth.principal import Principal
    from anken_projects.clients import service as clients
    from anken_projects.clients.schemas import ClientCreate

    resources = app_client.app.state.resources  # type: ignore[attr-defined]
    system = Principal(kind="service", id="test")
    name = "ロールバック確認 株式会社"
    with pytest.raises(RuntimeError):
        async with resources.sessionmaker() as session, session.begin():
            created = await clients.create_client(session, system, ClientCreate(name=name))
            raise RuntimeError("the request fails after the change was flushed")
    for sql in ("SELECT count(*) FROM projects.clients WHERE id = CAST(:id AS uuid)",
                "SELECT count(*) FROM projects.outbox_events WHERE aggregate_id = :id",
                "SELECT count(*) FROM projects.audit_entries WHERE entity_id = :id"):
        assert (await db_rows(app_client, sql, id=str(created.id)))[0][0] == 0
    async with resources.sessionmaker() as session, session.begin():
        kept = await clients.create_client(session, system, ClientCreate(name=name))
    events = await db_rows(app_client, "SELECT type, payload->>'name' FROM projects.outbox_events "
                           "WHERE aggregate_id = :id", id=str(kept.id))
    assert [tuple(e) for e in events] == [("client.created", name)]
