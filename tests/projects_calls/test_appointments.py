"""Appointments: hand-off and partner outcome with ETag, the deal it became, and partner keys
that see only their client's appointments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from anken_projects.outbox.models import OutboxEvent
from projects_calls.call_floor_fixtures import build_floor


async def set_appointment(api, floor, target_index: int = 0) -> dict:
    member = floor.members[0]
    response = await api.post(f"/v1/projects/{floor.project_id}/calls", headers=member.headers, json={
        "target_id": str(floor.targets[target_index]), "member_id": str(member.id),
        "occurred_at": datetime.now(UTC).isoformat(), "outcome": "appointment", "duration_s": 300,
        "appointment": {"meeting_at": (datetime.now(UTC) + timedelta(days=3)).isoformat(), "contact_name": "佐藤 花子"},
    })
    assert response.status_code == 201, response.text
    return (await api.get(f"/v1/appointments/{response.json()['appointment_id']}", headers=floor.director.headers)).json()


async def partner_key(api, floor, scopes: list[str]) -> dict[str, str]:
    response = await api.post("/v1/api-keys", headers=floor.admin.headers,
                              json={"client_id": str(floor.client_id), "name": "SaaS連携", "scopes": scopes})
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['secret']}"}


async def test_partner_reports_held_qualified_and_deal_with_if_match(api, resources) -> None:
    floor = await build_floor(resources, targets=2, members=1)
    appointment = await set_appointment(api, floor)
    key = await partner_key(api, floor, ["read:appointments", "write:appointment_outcomes"])
    url = f"/v1/appointments/{appointment['id']}"
    premature = await api.patch(url, headers=key, json={"partner_outcome": "qualified"})
    assert premature.status_code == 422 and premature.json()["errors"][0]["field"] == "partner_outcome"
    held = await api.patch(url, headers={**key, "If-Match": 'W/"1"'}, json={"handoff_status": "held"})
    assert held.status_code == 200 and held.headers["etag"] == 'W/"2"'
    stale = await api.patch(url, headers={**key, "If-Match": 'W/"1"'}, json={"partner_outcome": "qualified"})
    assert stale.status_code == 412
    done = await api.patch(url, headers={**key, "If-Match": 'W/"2"'}, json={
        "partner_outcome": "qualified", "deal": {"amount": 1_200_000, "stage": "negotiation"}})
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["partner_outcome"] == "qualified" and body["deal_amount"] == 1_200_000 and body["deal_id"]
    assert body["deal_stage"] == "negotiation" and body["version"] == 3
    # The client's deal is outcome data on the appointment: no agency deal exists for it.
    deal = await api.get(f"/v1/deals/{body['deal_id']}", headers=floor.admin.headers)
    assert deal.status_code == 404
    agency = await api.get("/v1/deals", headers=floor.admin.headers)
    assert body["deal_id"] not in {d["id"] for d in agency.json()["items"]}
    back = await api.patch(url, headers=key, json={"handoff_status": "cancelled"})
    assert back.status_code == 409 and back.json()["allowed"] == ["no_show"]
    async with resources.sessionmaker() as session:
        events = (await session.execute(sa.select(OutboxEvent.type, OutboxEvent.payload).where(
            OutboxEvent.aggregate_id == appointment["id"]).order_by(OutboxEvent.id))).all()
    assert [e.type for e in events] == [
        "appointment.set", "appointment.held", "appointment.updated",
        "appointment.qualified", "appointment.client_deal_reported", "appointment.updated"]
    assert [e.payload["handoff_status"] for e in events if e.type == "appointment.updated"] == ["held", "held"]
    assert events[1].payload["previous_handoff_status"] == "set"
    last = events[-1].payload
    assert last["deal_id"] == body["deal_id"] and last["partner_outcome"] == "qualified"
    assert last["deal_amount"] == 1_200_000 and last["deal_stage"] == "negotiation" and last["deal_won"] is False


async def outbox_types(resources, appointment_id: str) -> list[str]:
    async with resources.sessionmaker() as session:
        return list((await session.execute(sa.select(OutboxEvent.type).where(
            OutboxEvent.aggregate_id == appointment_id, OutboxEvent.type != "appointment.set")
            .order_by(OutboxEvent.id))).scalars())


async def test_reschedule_twice_stays_one_appointment_then_no_show_corrected(api, resources) -> None:
    floor = await build_floor(resources, targets=1, members=1)
    appointment = await set_appointment(api, floor)
    key = await partner_key(api, floor, ["read:appointments", "write:appointment_outcomes"])
    url = f"/v1/appointments/{appointment['id']}"
    missing = await api.patch(url, headers=key, json={"handoff_status": "rescheduled"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "meeting_at"
    first_time = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
    moved = await api.patch(url, headers=key, json={"handoff_status": "rescheduled", "meeting_at": first_time.isoformat()})
    assert moved.status_code == 200, moved.text
    assert moved.json()["handoff_status"] == "set" and moved.json()["rescheduled_count"] == 1
    no_show = await api.patch(url, headers=key, json={"handoff_status": "no_show"})
    assert no_show.status_code == 200 and no_show.json()["handoff_status"] == "no_show"
    assert moved.json()["allowed_handoff_statuses"] == ["held", "no_show", "rescheduled", "cancelled"]
    assert no_show.json()["allowed_handoff_statuses"] == ["held", "rescheduled"]
    second_time = first_time + timedelta(days=3)
    again = await api.patch(url, headers=key, json={"handoff_status": "rescheduled",
                                                    "meeting_at": second_time.isoformat()})
    assert again.status_code == 200, again.text
    body = again.json()
    assert body["id"] == appointment["id"] and body["handoff_status"] == "set" and body["rescheduled_count"] == 2
    assert datetime.fromisoformat(body["meeting_at"]) == second_time
    assert body["set_at"] == appointment["set_at"]
    held = await api.patch(url, headers=key, json={"handoff_status": "held"})
    corrected = await api.patch(url, headers=key, json={"handoff_status": "no_show"})
    assert held.status_code == 200 and corrected.status_code == 200 and corrected.json()["handoff_status"] == "no_show"
    listed = (await api.get("/v1/appointments", params={"project_id": str(floor.project_id)}, headers=key)).json()
    assert [a["id"] for a in listed["items"]] == [appointment["id"]]
    assert await outbox_types(resources, appointment["id"]) == [
        "appointment.rescheduled", "appointment.updated", "appointment.no_show", "appointment.updated",
        "appointment.rescheduled", "appointment.updated", "appointment.held", "appointment.updated",
        "appointment.no_show", "appointment.updated"]
    cancelled = await api.patch(url, headers=key, json={"handoff_status": "cancelled"})
    assert cancelled.status_code == 409 and cancelled.json()["allowed"] == ["held", "rescheduled"]
    fetched = (await api.get(url, headers=key)).json()
    assert fetched["allowed_handoff_statuses"] == cancelled.json()["allowed"]


async def test_unqualified_needs_a_reason_from_the_projects_list(api, resources) -> None:
    floor = await build_floor(resources, targets=2, members=1)
    key = await partner_key(api, floor, ["read:appointments", "write:appointment_outcomes"])
    project = (await api.get(f"/v1/projects/{floor.project_id}", headers=floor.director.headers)).json()
    assert project["unqualified_reasons"] == ["予算なし", "決裁権なし", "ニーズなし", "導入時期未定", "競合導入済み",
                                              "ターゲット外"]
    first = await set_appointment(api, floor, 0)
    url = f"/v1/appointments/{first['id']}"
    assert (await api.patch(url, headers=key, json={"handoff_status": "held"})).status_code == 200
    bare = await api.patch(url, headers=key, json={"partner_outcome": "unqualified"})
    assert bare.status_code == 422 and bare.json()["errors"][0]["field"] == "unqualified_reason"
    stranger = await api.patch(url, headers=key, json={"partner_outcome": "unqualified", "unqualified_reason": "担当者が不在"})
    assert stranger.status_code == 422 and stranger.json()["errors"][0]["field"] == "unqualified_reason"
    assert "予算なし" in stranger.json()["errors"][0]["message"]
    with_qualified = await api.patch(url, headers=key, json={"partner_outcome": "qualified", "unqualified_reason": "予算なし"})
    assert with_qualified.status_code == 422 and with_qualified.json()["errors"][0]["field"] == "unqualified_reason"
    ok = await api.patch(url, headers=key, json={"partner_outcome": "unqualified", "unqualified_reason": "予算なし"})
    assert ok.status_code == 200 and ok.json()["unqualified_reason"] == "予算なし"
    no_deal = await api.patch(url, headers=key, json={"deal": {"amount": 500_000}})
    assert no_deal.status_code == 422 and no_deal.json()["errors"][0]["field"] == "deal"
    held_back = await api.patch(url, headers=key, json={"handoff_status": "no_show"})
    assert held_back.status_code == 422 and held_back.json()["errors"][0]["field"] == "handoff_status"
    # The project's own list replaces the defaults.
    changed = await api.patch(f"/v1/projects/{floor.project_id}", headers=floor.director.headers,
                              json={"unqualified_reasons": ["従業員規模が対象外", "既存取引先"]})
    assert changed.status_code == 200 and changed.json()["unqualified_reasons"] == ["従業員規模が対象外", "既存取引先"]
    twice = await api.patch(f"/v1/projects/{floor.project_id}", headers=floor.director.headers,
                            json={"unqualified_reasons": ["既存取引先", "既存取引先"]})
    assert twice.status_code == 422
    second = await set_appointment(api, floor, 1)
    url2 = f"/v1/appointments/{second['id']}"
    await api.patch(url2, headers=key, json={"handoff_status": "held"})
    old_default = await api.patch(url2, headers=key, json={"partner_outcome": "unqualified", "unqualified_reason": "予算なし"})
    assert old_default.status_code == 422 and old_default.json()["errors"][0]["field"] == "unqualified_reason"
    own = await api.patch(url2, headers=key, json={"partner_outcome": "unqualified", "unqualified_reason": "既存取引先"})
    assert own.status_code == 200 and own.json()["partner_outcome"] == "unqualified"
    assert await outbox_types(resources, second["id"]) == [
        "appointment.held", "appointment.updated", "appointment.unqualified", "appointment.updated"]


async def test_retry_with_idempotency_key_replays_and_writes_events_once(api, resources) -> None:
    floor = await build_floor(resources, targets=1, members=1)
    appointment = await set_appointment(api, floor)
    key = await partner_key(api, floor, ["read:appointments", "write:appointment_outcomes"])
    url = f"/v1/appointments/{appointment['id']}"
    # The staff form restates `set` for a meeting still set: nothing changes.
    restated = await api.patch(url, headers=floor.director.headers, json={"handoff_status": "set"})
    assert restated.status_code == 200 and restated.json()["version"] == 1
    headers = {**key, "If-Match": 'W/"1"', "Idempotency-Key": "outcome-1"}
    first = await api.patch(url, headers=headers, json={"handoff_status": "held"})
    retry = await api.patch(url, headers=headers, json={"handoff_status": "held"})
    assert first.status_code == 200 and retry.status_code == 200, retry.text
    assert retry.json() == first.json() and retry.json()["version"] == 2
    other_body = await api.patch(url, headers=headers, json={"handoff_status": "no_show"})
    assert other_body.status_code == 422
    # Without a key, repeating the same report changes nothing: no new version, no event.
    same = await api.patch(url, headers=key, json={"handoff_status": "held"})
    assert same.status_code == 200 and same.json()["version"] == 2
    assert await outbox_types(resources, appointment["id"]) == ["appointment.held", "appointment.updated"]
    back_to_set = await api.patch(url, headers=floor.director.headers, json={"handoff_status": "set"})
    assert back_to_set.status_code == 409 and back_to_set.json()["allowed"] == ["no_show"]


async def test_agency_deal_refuses_an_appointment_link(api, resources) -> None:
    floor = await build_floor(resources, targets=1, members=1)
    appointment = await set_appointment(api, floor)
    refused = await api.post("/v1/deals", headers=floor.director.headers, json={
        "name": "顧客の商談", "account_name": "株式会社テスト", "amount": 100_000, "appointment_id": appointment["id"]})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "appointment_id"


async def test_partner_sees_only_its_clients_appointments_and_needs_scopes(api, resources) -> None:
    ours = await build_floor(resources, targets=1, members=1)
    theirs = await build_floor(resources, targets=1, members=1)
    mine = await set_appointment(api, ours)
    other = await set_appointment(api, theirs)
    key = await partner_key(api, ours, ["read:appointments"])
    listed = (await api.get("/v1/appointments", headers=key)).json()
    assert [a["id"] for a in listed["items"]] == [mine["id"]] and listed["next_cursor"] is None
    assert (await api.get(f"/v1/appointments/{other['id']}", headers=key)).status_code == 404
    assert (await api.patch(f"/v1/appointments/{mine['id']}", headers=key, json={"handoff_status": "held"})).status_code == 403
    writer = await partner_key(api, ours, ["read:appointments", "write:appointment_outcomes"])
    assert (await api.patch(f"/v1/appointments/{other['id']}", headers=writer,
                            json={"handoff_status": "held"})).status_code == 404
    no_scope = await partner_key(api, ours, ["read:projects"])
    assert (await api.get("/v1/appointments", headers=no_scope)).status_code == 403


async def test_list_filters_and_member_cannot_change(api, resources) -> None:
    floor = await build_floor(resources, targets=3, members=1)
    first = await set_appointment(api, floor, 0)
    second = await set_appointment(api, floor, 1)
    await api.patch(f"/v1/appointments/{second['id']}", headers=floor.director.headers, json={"handoff_status": "no_show"})
    params = {"project_id": str(floor.project_id), "status": "set"}
    listed = (await api.get("/v1/appointments", params=params, headers=floor.director.headers)).json()
    assert [a["id"] for a in listed["items"]] == [first["id"]]
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    empty = (await api.get("/v1/appointments", params={"project_id": str(floor.project_id), "from": future},
                           headers=floor.director.headers)).json()
    assert empty["items"] == []
    paged = (await api.get("/v1/appointments", params={"project_id": str(floor.project_id), "limit": 1},
                           headers=floor.members[0].headers)).json()
    assert [a["id"] for a in paged["items"]] == [first["id"]] and paged["next_cursor"]
    # Newest first, page by page: the cursor continues backwards, and another order is 422 naming `order`.
    newest = {"project_id": str(floor.project_id), "limit": 1, "order": "-set_at"}
    page_one = (await api.get("/v1/appointments", params=newest, headers=floor.director.headers)).json()
    page_two = (await api.get("/v1/appointments", params={**newest, "cursor": page_one["next_cursor"]},
                              headers=floor.director.headers)).json()
    assert [a["id"] for a in page_one["items"] + page_two["items"]] == [second["id"], first["id"]]
    assert page_two["next_cursor"] is None
    wrong = await api.get("/v1/appointments", params={"order": "meeting_at"}, headers=floor.director.headers)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "order"
    member = await api.patch(f"/v1/appointments/{first['id']}", headers=floor.members[0].headers,
                             json={"handoff_status": "held"})
    assert member.status_code == 403
    outsider = await api.get(f"/v1/appointments/{first['id']}", headers=floor.outsider.headers)
    assert outsider.status_code == 404
