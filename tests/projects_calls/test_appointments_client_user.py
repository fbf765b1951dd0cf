"""A client user on the appointments of their client: reads them (never another client's), reports the
client-side feedback only (hand-off, outcome with reason, the client's deal; any other field is 422 naming
it), each change an event naming the client user, a retried PATCH never writes twice, and the member who set
an appointment is named only where the project allows it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from anken_common.auth_tokens import Role, issue_user_token
from anken_projects.outbox.models import OutboxEvent
from anken_projects.users.models import User
from projects_calls.call_floor_fixtures import Actor, build_floor
from projects_calls.test_appointments import outbox_types, set_appointment


async def client_user(resources, client_id: uuid.UUID) -> Actor:
    user = User(email=f"buyer-{uuid.uuid4().hex[:10]}@client.test", name="発注 太郎", role=Role.client,
                client_id=client_id, password_hash="$argon2id$unused")
    async with resources.sessionmaker() as session, session.begin():
        session.add(user)
    token = issue_user_token(resources.settings.anken_secret_key, str(user.id), Role.client, client_id=client_id)
    return Actor(user.id, Role.client, {"Authorization": f"Bearer {token}"})


async def change_events(resources, appointment_id: str) -> list[tuple[str, dict]]:
    async with resources.sessionmaker() as session:
        rows = (await session.execute(sa.select(OutboxEvent.type, OutboxEvent.payload).where(
            OutboxEvent.aggregate_id == appointment_id, OutboxEvent.type.not_in(("appointment.set",
                                                                                  "appointment.updated")))
            .order_by(OutboxEvent.id))).all()
    return [(row.type, row.payload) for row in rows]


async def test_client_user_reports_held_qualified_deal_and_each_change_names_them(api, resources) -> None:
    floor = await build_floor(resources, targets=2, members=1)
    buyer = await client_user(resources, floor.client_id)
    appointment = await set_appointment(api, floor)
    url = f"/v1/appointments/{appointment['id']}"
    held = await api.patch(url, headers={**buyer.headers, "If-Match": 'W/"1"'}, json={"handoff_status": "held"})
    assert held.status_code == 200, held.text
    assert held.headers["etag"] == 'W/"2"' and held.json()["handoff_status"] == "held"
    done = await api.patch(url, headers=buyer.headers, json={
        "partner_outcome": "qualified", "deal": {"amount": 2_400_000, "stage": "proposal"}})
    assert done.status_code == 200, done.text
    assert done.json()["partner_outcome"] == "qualified" and done.json()["deal_amount"] == 2_400_000
    events = await change_events(resources, appointment["id"])
    assert [t for t, _ in events] == ["appointment.held", "appointment.qualified", "appointment.client_deal_reported"]
    assert {(p["actor_type"], p["actor_id"], p["actor_role"]) for _, p in events} == {("user", str(buyer.id), "client")}
    # The audit log names the same author.
    async with resources.sessionmaker() as session:
        audit = (await session.execute(sa.text(
            "SELECT actor_type, actor_id FROM projects.audit_entries WHERE entity_id = :i AND action = 'appointment.updated'"),
            {"i": appointment["id"]})).all()
    assert {(a[0], a[1]) for a in audit} == {("user", str(buyer.id))} and len(audit) == 2


async def test_client_user_reschedules_no_show_and_unqualified_with_a_reason(api, resources) -> None:
    floor = await build_floor(resources, targets=2, members=1)
    buyer = await client_user(resources, floor.client_id)
    first = await set_appointment(api, floor, 0)
    url = f"/v1/appointments/{first['id']}"
    new_time = datetime.now(UTC).replace(microsecond=0) + timedelta(days=9)
    moved = await api.patch(url, headers=buyer.headers, json={"handoff_status": "rescheduled",
                                                               "meeting_at": new_time.isoformat()})
    assert moved.status_code == 200, moved.text
    assert moved.json()["rescheduled_count"] == 1 and datetime.fromisoformat(moved.json()["meeting_at"]) == new_time
    no_show = await api.patch(url, headers=buyer.headers, json={"handoff_status": "no_show"})
    assert no_show.status_code == 200 and no_show.json()["handoff_status"] == "no_show"
    # The hand-off rules hold for client users as for everyone: a no-show cannot be cancelled.
    refused = await api.patch(url, headers=buyer.headers, json={"handoff_status": "cancelled"})
    assert refused.status_code == 409 and refused.json()["allowed"] == ["held", "rescheduled"]
    second = await set_appointment(api, floor, 1)
    url2 = f"/v1/appointments/{second['id']}"
    assert (await api.patch(url2, headers=buyer.headers, json={"handoff_status": "held"})).status_code == 200
    stranger = await api.patch(url2, headers=buyer.headers, json={"partner_outcome": "unqualified",
                                                                  "unqualified_reason": "なんとなく"})
    assert stranger.status_code == 422 and stranger.json()["errors"][0]["field"] == "unqualified_reason"
    unqualified = await api.patch(url2, headers=buyer.headers, json={"partner_outcome": "unqualified",
                                                                     "unqualified_reason": "決裁権なし"})
    assert unqualified.status_code == 200 and unqualified.json()["unqualified_reason"] == "決裁権なし"
    assert await outbox_types(resources, first["id"]) == [
        "appointment.rescheduled", "appointment.updated", "appointment.no_show", "appointment.updated"]


async def test_client_user_may_change_only_the_client_side_fields(api, resources) -> None:
    floor = await build_floor(resources, targets=1, members=1)
    buyer = await client_user(resources, floor.client_id)
    appointment = await set_appointment(api, floor)
    url = f"/v1/appointments/{appointment['id']}"
    note = await api.patch(url, headers=buyer.headers, json={"handoff_status": "held", "note": "書き換え"})
    assert note.status_code == 422, note.text
    assert note.json()["errors"][0]["field"] == "note"
    unknown = await api.patch(url, headers=buyer.headers, json={"member_id": str(buyer.id)})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "member_id"
    # Nothing was applied by the refused requests; a null note changes nothing and is accepted.
    fetched = await api.get(url, headers=buyer.headers)
    assert fetched.json()["handoff_status"] == "set" and fetched.json()["version"] == 1
    assert fetched.json()["note"] == appointment["note"]
    nulled = await api.patch(url, headers=buyer.headers, json={"handoff_status": "held", "note": None})
    assert nulled.status_code == 200 and nulled.json()["handoff_status"] == "held"
    # The director may still write the note (staff are not limited to the client's fields).
    staff = await api.patch(url, headers=floor.director.headers, json={"note": "先方は来期予算を確保済み"})
    assert staff.status_code == 200 and staff.json()["note"] == "先方は来期予算を確保済み"
    assert await outbox_types(resources, appointment["id"]) == [
        "appointment.held", "appointment.updated", "appointment.updated"]


async def test_client_user_reaches_only_their_clients_appointments(api, resources) -> None:
    ours = await build_floor(resources, targets=1, members=1)
    theirs = await build_floor(resources, targets=1, members=1)
    mine = await set_appointment(api, ours)
    other = await set_appointment(api, theirs)
    buyer = await client_user(resources, ours.client_id)
    listed = await api.get("/v1/appointments", headers=buyer.headers, params={"limit": 200})
    assert listed.status_code == 200 and [a["id"] for a in listed.json()["items"]] == [mine["id"]]
    by_project = await api.get("/v1/appointments", headers=buyer.headers,
                               params={"project_id": str(theirs.project_id)})
    assert by_project.status_code == 200 and by_project.json()["items"] == []
    assert (await api.get(f"/v1/appointments/{other['id']}", headers=buyer.headers)).status_code == 404
    patched = await api.patch(f"/v1/appointments/{other['id']}", headers=buyer.headers, json={"handoff_status": "held"})
    assert patched.status_code == 404
    untouched = await api.get(f"/v1/appointments/{other['id']}", headers=theirs.director.headers)
    assert untouched.json()["handoff_status"] == "set" and untouched.json()["version"] == 1
    filtered = await api.get("/v1/appointments", headers=buyer.headers,
                             params={"project_id": str(ours.project_id), "status": "set",
                                     "from": (datetime.now(UTC) - timedelta(hours=1)).isoformat()})
    assert [a["id"] for a in filtered.json()["items"]] == [mine["id"]]


async def test_a_retried_client_patch_writes_its_events_once(api, resources) -> None:
    floor = await build_floor(resources, targets=1, members=1)
    buyer = await client_user(resources, floor.client_id)
    appointment = await set_appointment(api, floor)
    url = f"/v1/appointments/{appointment['id']}"
    headers = {**buyer.headers, "If-Match": 'W/"1"', "Idempotency-Key": f"portal-{uuid.uuid4().hex}"}
    first = await api.patch(url, headers=headers, json={"handoff_status": "no_show"})
    retry = await api.patch(url, headers=headers, json={"handoff_status": "no_show"})
    assert first.status_code == 200 and retry.status_code == 200, retry.text
    assert retry.json() == first.json() and retry.json()["version"] == 2
    assert await outbox_types(resources, appointment["id"]) == ["appointment.no_show", "appointment.updated"]


async def test_member_names_only_where_the_project_allows(api, resources) -> None:
    floor = await build_floor(resources, targets=1, members=1)
    buyer = await client_user(resources, floor.client_id)
    appointment = await set_appointment(api, floor)
    url = f"/v1/appointments/{appointment['id']}"
    staff = (await api.get(url, headers=floor.director.headers)).json()
    assert staff["member_id"] == str(floor.members[0].id) and staff["member_name"] == "架電member"
    hidden = (await api.get(url, headers=buyer.headers)).json()
    assert hidden["member_id"] is None and hidden["member_name"] is None
    # What the portal shows is there: the meeting, the company, the BANT fields, the member's note.
    for key in ("meeting_at", "company_name", "qualification", "note", "allowed_handoff_statuses"):
        assert key in hidden, key
    listed = (await api.get("/v1/appointments", headers=buyer.headers)).json()["items"]
    assert [(a["member_id"], a["member_name"]) for a in listed] == [(None, None)]
    allowed = await api.patch(f"/v1/projects/{floor.project_id}", headers=floor.director.headers,
                              json={"client_sees_member_names": True})
    assert allowed.status_code == 200, allowed.text
    shown = (await api.get(url, headers=buyer.headers)).json()
    assert shown["member_id"] == str(floor.members[0].id) and shown["member_name"] == "架電member"
    patched = await api.patch(url, headers=buyer.headers, json={"handoff_status": "held"})
    assert patched.json()["member_name"] == "架電member"
