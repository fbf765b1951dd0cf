"""Logging calls: single and bulk, idempotency, refusals (unassigned, other member, do-not-call),
appointments in the same transaction, edits and deletes with `previous`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from anken_common.event_payloads import CallPayload
from anken_projects.appointments.models import Appointment
from anken_projects.calls.models import Call
from anken_projects.outbox.models import OutboxEvent
from anken_projects.targets.models import Target


def call_body(floor, target_id, member, **overrides) -> dict:
    body = {
        "target_id": str(target_id), "member_id": str(member.id),
        "occurred_at": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
        "outcome": "no_answer", "duration_s": 12, "variant": "A",
    }
    body.update(overrides)
    return body


async def events_for(resources, type_: str, aggregate_id) -> list[OutboxEvent]:
    async with resources.sessionmaker() as session:
        return list((await session.execute(sa.select(OutboxEvent).where(
            OutboxEvent.type == type_, OutboxEvent.aggregate_id == str(aggregate_id)).order_by(OutboxEvent.id)
        )).scalars())


async def count_calls(resources, **where) -> int:
    async with resources.sessionmaker() as session:
        statement = sa.select(sa.func.count()).select_from(Call)
        for key, value in where.items():
            statement = statement.where(getattr(Call, key) == value)
        return (await session.execute(statement)).scalar_one()


async def test_member_logs_own_call_and_event_carries_industry_and_first_call(api, floor, resources) -> None:
    member = floor.members[0]
    first = await api.post(f"/v1/projects/{floor.project_id}/calls", json=call_body(floor, floor.targets[0], member),
                           headers=member.headers)
    assert first.status_code == 201, first.text
    assert first.json()["first_call_of_target"] is True
    second = await api.post(f"/v1/projects/{floor.project_id}/calls",
                            json=call_body(floor, floor.targets[0], member, outcome="connected_followup"),
                            headers=member.headers)
    assert second.json()["first_call_of_target"] is False
    event = (await events_for(resources, "call.logged", first.json()["id"]))[0]
    parsed = CallPayload.model_validate(event.payload)
    assert set(event.payload) == set(CallPayload.model_fields), "the payload has exactly the contract's fields"
    assert parsed.occurred_at == datetime.fromisoformat(first.json()["occurred_at"])
    assert event.payload["target_industry"] == "製造業" and event.payload["first_call_of_target"] is True
    assert event.payload["client_id"] == str(floor.client_id) and event.tenant == floor.client_id
    target = (await api.get(f"/v1/targets/{floor.targets[0]}", headers=member.headers)).json()
    assert target["status"] == "callback" and target["call_count"] == 2 and target["callback_due_at"]


async def test_idempotency_key_replays_same_body_and_rejects_a_different_one(api, floor, resources) -> None:
    member = floor.members[0]
    headers = {**member.headers, "Idempotency-Key": f"call-{uuid.uuid4()}"}
    body = call_body(floor, floor.targets[1], member)
    first = await api.post(f"/v1/projects/{floor.project_id}/calls", json=body, headers=headers)
    replay = await api.post(f"/v1/projects/{floor.project_id}/calls", json=dict(reversed(body.items())), headers=headers)
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json() and replay.headers["idempotent-replayed"] == "true"
    assert await count_calls(resources, target_id=floor.targets[1]) == 1
    different = await api.post(f"/v1/projects/{floor.project_id}/calls", json={**body, "duration_s": 99}, headers=headers)
    assert different.status_code == 422
    assert different.json()["errors"][0]["field"] == "Idempotency-Key"
    assert await count_calls(resources, target_id=floor.targets[1]) == 1


async def test_bulk_idempotency_replays_without_duplicating(api, floor, resources) -> None:
    member = floor.members[1]
    headers = {**floor.director.headers, "Idempotency-Key": "bulk-history-2026-10"}
    calls = [call_body(floor, t, member, occurred_at=f"2026-10-0{i + 1}T10:00:00+09:00") for i, t in enumerate(floor.targets)]
    first = await api.post(f"/v1/projects/{floor.project_id}/calls/bulk", json={"calls": calls}, headers=headers)
    again = await api.post(f"/v1/projects/{floor.project_id}/calls/bulk", json={"calls": calls}, headers=headers)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert await count_calls(resources, project_id=floor.project_id) == len(floor.targets)


async def test_unassigned_member_and_other_members_calls_are_refused(api, floor, resources) -> None:
    outsider_call = call_body(floor, floor.targets[0], floor.outsider)
    by_director = await api.post(f"/v1/projects/{floor.project_id}/calls", json=outsider_call,
                                 headers=floor.director.headers)
    assert by_director.status_code == 422
    assert by_director.json()["errors"][0] == {"field": "member_id", "message": "this member is not assigned to the project"}
    for_colleague = await api.post(f"/v1/projects/{floor.project_id}/calls",
                                   json=call_body(floor, floor.targets[0], floor.members[1]), headers=floor.members[0].headers)
    assert for_colleague.status_code == 403
    not_visible = await api.post(f"/v1/projects/{floor.project_id}/calls", json=outsider_call,
                                 headers=floor.outsider.headers)
    assert not_visible.status_code == 404
    bulk = await api.post(f"/v1/projects/{floor.project_id}/calls/bulk", headers=floor.director.headers, json={"calls": [
        call_body(floor, floor.targets[0], floor.members[0]), outsider_call,
        call_body(floor, uuid.uuid4(), floor.members[0]),
    ]})
    assert bulk.status_code == 422
    assert [e["field"] for e in bulk.json()["errors"]] == ["calls.1.member_id", "calls.2.target_id"]
    assert await count_calls(resources, project_id=floor.project_id) == 0


async def test_do_not_call_is_honoured_across_every_project_of_the_client(api, floor, resources) -> None:
    # The same company sits in both projects' lists of one client.
    async with resources.sessionmaker() as session, session.begin():
        twin = Target(target_list_id=floor.other_list_id, project_id=floor.other_project_id, client_id=floor.client_id,
                      company_name="株式会社テスト00003", company_name_key="テスト00003", phone="0300000003",
                      priority_tier=1)
        session.add(twin)
    flagged = await api.post(f"/v1/targets/{twin.id}/do-not-call", json={"reason": "今後の連絡不要"},
                             headers=floor.members[0].headers)
    assert flagged.status_code == 201, flagged.text
    assert flagged.json()["phone"] == "0300000003" and flagged.json()["targets_flagged"] == 2
    # Each flagged target is announced with its status before, so reporting can take it out of the list stock.
    async with resources.sessionmaker() as session:
        announced = (await session.execute(sa.select(OutboxEvent.payload).where(
            OutboxEvent.type == "target.updated", OutboxEvent.aggregate_id.in_([str(twin.id), str(floor.targets[3])]))
        )).scalars().all()
    assert sorted((p["status"], p["previous_status"]) for p in announced) == [("dnc", "new"), ("dnc", "new")]
    member = floor.members[0]
    refused = await api.post(f"/v1/projects/{floor.project_id}/calls", json=call_body(floor, floor.targets[3], member),
                             headers=member.headers)
    assert refused.status_code == 409
    assert refused.json()["errors"][0]["field"] == "target_id"
    assert await count_calls(resources, target_id=floor.targets[3]) == 0
    seen = set()
    for _ in range(len(floor.targets)):
        handed = (await api.post(f"/v1/projects/{floor.project_id}/next-target", headers=member.headers)).json()
        if handed["target"] is None:
            break
        seen.add(handed["target"]["id"])
        await api.post(f"/v1/projects/{floor.project_id}/calls", headers=member.headers,
                       json=call_body(floor, handed["target"]["id"], member, outcome="connected_rejected"))
    assert str(floor.targets[3]) not in seen and len(seen) == len(floor.targets) - 1
    listed = (await api.get(f"/v1/clients/{floor.client_id}/do-not-call", headers=floor.director.headers)).json()
    assert [e["id"] for e in listed["items"]] == [flagged.json()["id"]]
    removed = await api.delete(f"/v1/do-not-call/{flagged.json()['id']}", headers=floor.director.headers)
    assert removed.status_code == 204
    async with resources.sessionmaker() as session:
        back = (await session.execute(sa.select(OutboxEvent.payload).where(
            OutboxEvent.type == "target.updated", OutboxEvent.aggregate_id == str(twin.id)))).scalars().all()
    assert sorted((p["previous_status"], p["status"]) for p in back) == [("dnc", "new"), ("new", "dnc")]
    allowed = await api.post(f"/v1/projects/{floor.project_id}/calls", json=call_body(floor, floor.targets[3], member),
                             headers=member.headers)
    assert allowed.status_code == 201


async def test_dnc_entry_by_corporate_number_normalises_and_rejects_bad_check_digit(api, floor) -> None:
    bad = await api.post(f"/v1/clients/{floor.client_id}/do-not-call", json={"corporate_number": "8000012050002"},
                         headers=floor.director.headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "corporate_number"
    good = await api.post(f"/v1/clients/{floor.client_id}/do-not-call", json={"corporate_number": "７００００１２０５０００２"},
                          headers=floor.director.headers)
    assert good.status_code == 201 and good.json()["corporate_number"] == "7000012050002"
    again = await api.post(f"/v1/clients/{floor.client_id}/do-not-call", json={"corporate_number": "7000012050002"},
                           headers=floor.director.headers)
    assert again.status_code == 409


async def test_appointment_outcome_creates_the_appointment_in_the_same_transaction(api, floor, resources) -> None:
    member = floor.members[0]
    meeting = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    appointment = {"meeting_at": meeting, "contact_name": "山田 太郎", "qualification": {"budget": "300万円"}}
    response = await api.post(f"/v1/projects/{floor.project_id}/calls", headers=member.headers, json=call_body(
        floor, floor.targets[2], member, outcome="appointment", appointment=appointment))
    assert response.status_code == 201, response.text
    call = response.json()
    async with resources.sessionmaker() as session:
        stored = (await session.execute(sa.select(Appointment).where(Appointment.call_id == uuid.UUID(call["id"])))).scalar_one()
    assert str(stored.id) == call["appointment_id"] and stored.company_name == "株式会社テスト00002"
    assert stored.qualification == {"budget": "300万円"} and stored.client_id == floor.client_id
    assert (await events_for(resources, "appointment.set", stored.id))[0].payload["contact_name"] == "山田 太郎"
    # A meeting in the past is refused, and neither the call nor an appointment is written.
    past = {**appointment, "meeting_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat()}
    refused = await api.post(f"/v1/projects/{floor.project_id}/calls", headers=member.headers, json=call_body(
        floor, floor.targets[4], member, outcome="appointment", appointment=past))
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "appointment.meeting_at"
    assert await count_calls(resources, target_id=floor.targets[4]) == 0


async def test_call_edit_and_delete_emit_previous(api, floor, resources) -> None:
    member = floor.members[0]
    created = (await api.post(f"/v1/projects/{floor.project_id}/calls", headers=member.headers,
                              json=call_body(floor, floor.targets[0], member))).json()
    stale = await api.patch(f"/v1/calls/{created['id']}", json={"outcome": "absent"},
                            headers={**member.headers, "If-Match": 'W/"7"'})
    assert stale.status_code == 412
    edited = await api.patch(f"/v1/calls/{created['id']}", json={"outcome": "absent", "duration_s": 30},
                             headers={**member.headers, "If-Match": 'W/"1"'})
    assert edited.status_code == 200 and edited.json()["outcome"] == "absent" and edited.json()["version"] == 2
    moved = await api.patch(f"/v1/calls/{created['id']}", json={"occurred_at": "2025-03-10T10:00:00+09:00"},
                            headers=member.headers)
    assert moved.status_code == 200 and moved.json()["occurred_at"].startswith("2025-03-10T01:00:00")
    fetched = await api.get(f"/v1/calls/{created['id']}", headers=member.headers)
    assert fetched.status_code == 200 and fetched.headers["etag"] == 'W/"3"'
    update = (await events_for(resources, "call.updated", created["id"]))[0].payload
    assert update["outcome"] == "absent" and update["previous"]["outcome"] == "no_answer"
    assert update["first_call_of_target"] is True and update["target_industry"] == "製造業"
    # Another member of the project cannot see the call at all (as in the list), let alone delete it.
    assert (await api.delete(f"/v1/calls/{created['id']}", headers=floor.members[1].headers)).status_code == 404
    assert (await api.delete(f"/v1/calls/{created['id']}", headers=member.headers)).status_code == 204
    deleted = (await events_for(resources, "call.deleted", created["id"]))[0].payload
    assert deleted["previous"]["outcome"] == "absent"
    target = (await api.get(f"/v1/targets/{floor.targets[0]}", headers=member.headers)).json()
    assert target["call_count"] == 0 and target["status"] == "new"


async def test_call_list_is_newest_first_and_members_see_only_their_own(api, floor) -> None:
    first, second = floor.members
    for minutes, (member, target) in enumerate([(first, 0), (second, 1), (first, 2)]):
        body = call_body(floor, floor.targets[target], member,
                         occurred_at=(datetime.now(UTC) - timedelta(minutes=10 - minutes)).isoformat())
        assert (await api.post(f"/v1/projects/{floor.project_id}/calls", json=body,
                               headers=floor.director.headers)).status_code == 201
    everything = (await api.get(f"/v1/projects/{floor.project_id}/calls", headers=floor.director.headers)).json()
    assert [c["target_id"] for c in everything["items"]] == [str(floor.targets[i]) for i in (2, 1, 0)]
    mine = await api.get(f"/v1/projects/{floor.project_id}/calls", params={"limit": 1}, headers=first.headers)
    assert [c["member_id"] for c in mine.json()["items"]] == [str(first.id)]
    rest = await api.get(f"/v1/projects/{floor.project_id}/calls",
                         params={"limit": 1, "cursor": mine.json()["next_cursor"]}, headers=first.headers)
    assert [c["target_id"] for c in rest.json()["items"]] == [str(floor.targets[0])] and rest.json()["next_cursor"] is None
    other = await api.get(f"/v1/projects/{floor.project_id}/calls", params={"member_id": str(second.id)},
                          headers=first.headers)
    assert other.status_code == 403


async def test_bulk_events_match_the_single_call_contract_and_replays_check_the_body(api, floor, resources) -> None:
    member = floor.members[0]
    headers = {**floor.director.headers, "Idempotency-Key": f"bulk-{uuid.uuid4()}"}
    calls = [call_body(floor, t, member, occurred_at=f"2026-10-0{i + 1}T10:00:00+09:00", note=f"メモ\n{i}")
             for i, t in enumerate(floor.targets[:3])]
    first = await api.post(f"/v1/projects/{floor.project_id}/calls/bulk", json={"calls": calls}, headers=headers)
    assert first.status_code == 201, first.text
    item = first.json()["items"][0]
    event = (await events_for(resources, "call.logged", item["id"]))[0]
    assert set(event.payload) == set(CallPayload.model_fields), "the payload has exactly the contract's fields"
    parsed = CallPayload.model_validate(event.payload)
    assert parsed.occurred_at == datetime.fromisoformat(calls[0]["occurred_at"]) == datetime.fromisoformat(
        item["occurred_at"])
    assert event.payload["target_industry"] == "製造業" and event.payload["first_call_of_target"] is True
    assert event.payload["variant"] == "A" and event.payload["script_version_id"] is None
    replay = await api.post(f"/v1/projects/{floor.project_id}/calls/bulk", json={"calls": calls}, headers=headers)
    assert replay.status_code == 201 and replay.json() == first.json()
    assert replay.headers["idempotent-replayed"] == "true"
    different = await api.post(f"/v1/projects/{floor.project_id}/calls/bulk", headers=headers,
                               json={"calls": [{**calls[0], "duration_s": 99}, *calls[1:]]})
    assert different.status_code == 422 and different.json()["errors"][0]["field"] == "Idempotency-Key"
    assert await count_calls(resources, project_id=floor.project_id) == 3


async def test_bulk_refuses_a_target_matching_a_do_not_call_entry(api, floor, resources) -> None:
    from anken_projects.dnc.models import DoNotCallEntry

    async with resources.sessionmaker() as session, session.begin():
        target = await session.get(Target, floor.targets[2])
        assert target is not None and target.status == "new"
        # An entry added without flagging the target: the lock statement's own check must catch it.
        session.add(DoNotCallEntry(client_id=floor.client_id, phone=target.phone, reason="テスト"))
    member = floor.members[0]
    calls = [call_body(floor, floor.targets[0], member), call_body(floor, floor.targets[2], member)]
    refused = await api.post(f"/v1/projects/{floor.project_id}/calls/bulk", json={"calls": calls},
                             headers=floor.director.headers)
    assert refused.status_code == 409
    assert [e["field"] for e in refused.json()["errors"]] == ["calls.1.target_id"]
    mixed = await api.post(f"/v1/projects/{floor.project_id}/calls/bulk", headers=floor.director.headers,
                           json={"calls": [*calls, call_body(floor, floor.targets[1], floor.outsider)]})
    assert mixed.status_code == 422, "a refusal other than do-not-call makes the whole answer 422"
    assert await count_calls(resources, project_id=floor.project_id) == 0
