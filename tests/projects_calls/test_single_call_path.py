"""The one-call path (calls.single): two statements instead of the ORM round trips, with the same
rows written (call, target, outbox event, audit entry, idempotency record) and the same refusals
in the same order as the general path; and the pool's idle-only ping (anken_common.database)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import sqlalchemy as sa

from anken_common.auth_tokens import Role
from anken_common.database import IDLE_PING_AFTER_S
from anken_projects.audit.models import AuditEntry
from anken_projects.idempotency.models import IdempotencyRecord
from anken_projects.outbox.models import OutboxEvent
from tests.projects_calls.call_floor_fixtures import create_user
from tests.projects_calls.test_calls import call_body


async def test_one_call_writes_call_event_audit_and_idempotency_record(api, floor, resources) -> None:
    member = floor.members[0]
    key = f"attempt-{uuid.uuid4()}"
    body = call_body(floor, floor.targets[2], member, outcome="absent", note="受付で不在")
    logged = await api.post(f"/v1/projects/{floor.project_id}/calls", json=body,
                            headers={**member.headers, "Idempotency-Key": key})
    assert logged.status_code == 201, logged.text
    out = logged.json()
    assert out["first_call_of_target"] is True and out["version"] == 1 and out["note"] == "受付で不在"
    async with resources.sessionmaker() as session:
        event = (await session.execute(sa.select(OutboxEvent).where(
            OutboxEvent.type == "call.logged", OutboxEvent.aggregate_id == out["id"]))).scalar_one()
        audit = (await session.execute(sa.select(AuditEntry).where(
            AuditEntry.action == "call.logged", AuditEntry.entity_id == out["id"]))).scalar_one()
        record = (await session.execute(sa.select(IdempotencyRecord).where(IdempotencyRecord.key == key))).scalar_one()
    assert event.aggregate_type == "call" and event.tenant == floor.client_id
    assert event.payload["outcome"] == "absent" and event.payload["member_id"] == str(member.id)
    assert (audit.actor_type, audit.actor_id, audit.entity_type) == ("user", str(member.id), "call")
    assert audit.after["note"] == "受付で不在" and audit.after["target_id"] == str(floor.targets[2])
    assert "appointment" not in audit.after
    assert record.status_code == 201 and record.response == out
    target = (await api.get(f"/v1/targets/{floor.targets[2]}", headers=member.headers)).json()
    assert target["status"] == "callback" and target["call_count"] == 1 and target["last_called_at"]


async def test_refusals_keep_their_order_and_write_nothing(api, floor, resources) -> None:
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    both = await api.post(f"/v1/projects/{floor.project_id}/calls", headers=floor.director.headers,
                          json=call_body(floor, uuid.uuid4(), floor.outsider, occurred_at=future))
    assert both.status_code == 422
    assert [e["field"] for e in both.json()["errors"]] == ["occurred_at", "member_id", "target_id"]
    assert both.json()["detail"] == "must not be in the future"
    # A target of the client's other project is not in this one.
    other = await api.post(f"/v1/projects/{floor.other_project_id}/calls", headers=floor.admin.headers,
                           json=call_body(floor, floor.targets[0], floor.members[0]))
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "target_id"
    missing = await api.post(f"/v1/projects/{uuid.uuid4()}/calls", headers=floor.admin.headers,
                             json=call_body(floor, floor.targets[0], floor.members[0]))
    assert missing.status_code == 404
    stranger = await create_user(resources, Role.director)
    not_theirs = await api.post(f"/v1/projects/{floor.project_id}/calls", headers=stranger.headers,
                                json=call_body(floor, floor.targets[0], floor.members[0]))
    assert not_theirs.status_code == 404
    manager = await create_user(resources, Role.manager)
    by_manager = await api.post(f"/v1/projects/{floor.project_id}/calls", headers=manager.headers,
                                json=call_body(floor, floor.targets[0], floor.members[0]))
    assert by_manager.status_code == 403
    # A refused request with a key stores nothing: the same key may be used again once fixed.
    key = {"Idempotency-Key": f"attempt-{uuid.uuid4()}"}
    refused = await api.post(f"/v1/projects/{floor.project_id}/calls", headers={**floor.director.headers, **key},
                             json=call_body(floor, floor.targets[0], floor.outsider))
    assert refused.status_code == 422
    fixed = await api.post(f"/v1/projects/{floor.project_id}/calls", headers={**floor.director.headers, **key},
                           json=call_body(floor, floor.targets[0], floor.members[0]))
    assert fixed.status_code == 201, fixed.text
    async with resources.sessionmaker() as session:
        events = (await session.execute(sa.select(sa.func.count()).select_from(OutboxEvent).where(
            OutboxEvent.type == "call.logged", OutboxEvent.tenant == floor.client_id))).scalar_one()
    assert events == 1


async def test_pooled_connections_killed_while_idle_are_replaced_before_use(api, floor, resources) -> None:
    member = floor.members[0]
    url = f"/v1/projects/{floor.project_id}/calls"
    assert (await api.post(url, json=call_body(floor, floor.targets[3], member), headers=member.headers)).status_code == 201
    await asyncio.sleep(IDLE_PING_AFTER_S + 0.5)
    # As a database restart would: every pooled connection dies while idle.
    admin = await asyncpg.connect(resources.settings.database_url)
    try:
        killed = await admin.fetchval(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = 'anken-projects' AND pid <> pg_backend_pid()")
    finally:
        await admin.close()
    assert killed >= 1
    await asyncio.sleep(IDLE_PING_AFTER_S + 0.5)
    again = await api.post(url, json=call_body(floor, floor.targets[3], member), headers=member.headers)
    assert again.status_code == 201, again.text
