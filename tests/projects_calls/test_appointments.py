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
        "partner_outcome": "qualified", "deal": {"amount": 1_200_000, "stage": "提案"}})
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["partner_outcome"] == "qualified" and body["deal_amount"] == 1_200_000 and body["deal_id"]
    deal = await api.get(f"/v1/deals/{body['deal_id']}", headers=floor.admin.headers)
    assert deal.status_code == 200 and deal.json()["amount"] == 1_200_000
    back = await api.patch(url, headers=key, json={"handoff_status": "cancelled"})
    assert back.status_code == 409 and "final" in back.json()["detail"]
    async with resources.sessionmaker() as session:
        updates = (await session.execute(sa.select(OutboxEvent.payload).where(
            OutboxEvent.type == "appointment.updated", OutboxEvent.aggregate_id == appointment["id"])
            .order_by(OutboxEvent.id))).scalars().all()
    assert [u["handoff_status"] for u in updates] == ["held", "held"]
    assert updates[-1]["deal_id"] == body["deal_id"] and updates[-1]["partner_outcome"] == "qualified"


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
    member = await api.patch(f"/v1/appointments/{first['id']}", headers=floor.members[0].headers,
                             json={"handoff_status": "held"})
    assert member.status_code == 403
    outsider = await api.get(f"/v1/appointments/{first['id']}", headers=floor.outsider.headers)
    assert outsider.status_code == 404
