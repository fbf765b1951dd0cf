"""The calls table: monthly partitions ahead of time, a default partition for old history,
and a bulk of 10,000 calls written with COPY (calls and outbox rows alike)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from anken_projects.calls.partitions import ensure_call_partitions
from anken_projects.kit.models import utc_now
from anken_projects.targets.models import Target
from projects_calls.call_floor_fixtures import build_floor


def month_name(moment: datetime) -> str:
    return f"calls_{moment:%Y_%m}"


async def partitions(resources) -> set[str]:
    async with resources.engine.connect() as conn:
        rows = await conn.execute(sa.text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'projects.calls'::regclass"))
        return {r[0] for r in rows}


async def test_partitions_exist_for_current_and_next_month_plus_default(resources) -> None:
    now = datetime.now(UTC)
    next_month = (now.replace(day=1) + timedelta(days=32)).replace(day=1)
    names = await partitions(resources)
    assert {month_name(now), month_name(next_month), "calls_default"} <= names
    async with resources.engine.connect() as conn:
        kind = (await conn.execute(sa.text(
            "SELECT partstrat::text FROM pg_partitioned_table WHERE partrelid = 'projects.calls'::regclass"))).scalar_one()
        pk = (await conn.execute(sa.text(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'projects.calls'::regclass "
            "AND contype = 'p'"))).scalar_one()
    assert kind == "r" and pk == "PRIMARY KEY (id, occurred_at)"


async def test_history_lands_in_default_and_moves_when_its_month_gets_a_partition(api, resources) -> None:
    floor = await build_floor(resources, targets=1, members=1)
    far = (datetime.now(UTC).replace(day=15) + timedelta(days=31 * 8)).replace(day=15, hour=3)
    old = "2019-04-01T10:00:00+09:00"
    member = floor.members[0]
    bodies = [{"target_id": str(floor.targets[0]), "member_id": str(member.id), "occurred_at": old,
               "outcome": "no_answer", "duration_s": 5}]
    assert (await api.post(f"/v1/projects/{floor.project_id}/calls/bulk", json={"calls": bodies},
                           headers=floor.director.headers)).status_code == 201
    async with resources.engine.begin() as conn:
        # A row in a month without a partition yet (as if written before the job ran) sits in the default.
        call_id = uuid.uuid4()
        await conn.execute(sa.text(
            "INSERT INTO projects.calls (id, occurred_at, project_id, client_id, member_id, target_id, outcome) "
            "VALUES (:id, :at, :p, :c, :m, :t, 'absent')"),
            {"id": call_id, "at": far, "p": floor.project_id, "c": floor.client_id, "m": member.id, "t": floor.targets[0]})
        where = (await conn.execute(sa.text("SELECT tableoid::regclass::text FROM projects.calls WHERE id = :id"),
                                    {"id": call_id})).scalar_one()
        old_where = (await conn.execute(sa.text(
            "SELECT tableoid::regclass::text FROM projects.calls WHERE occurred_at < '2020-01-01' AND project_id = :p"),
            {"p": floor.project_id})).scalar_one()
    assert where == "calls_default" and old_where == "calls_default"
    assert await ensure_call_partitions(resources.engine, months_ahead=9) >= 1
    async with resources.engine.connect() as conn:
        moved = (await conn.execute(sa.text("SELECT tableoid::regclass::text FROM projects.calls WHERE id = :id"),
                                    {"id": call_id})).scalar_one()
    assert moved == month_name(far)


async def test_bulk_of_ten_thousand_calls_is_written_with_events(api, resources) -> None:
    floor = await build_floor(resources, targets=0, members=3)
    n = 10_000
    now = utc_now()
    records = [
        (uuid.uuid4(), floor.list_id, floor.project_id, floor.client_id, f"企業{i}", f"企業{i}", f"03{i:08d}", "IT", 2, now, now)
        for i in range(n // 2)
    ]
    async with resources.engine.begin() as conn:
        raw = await conn.get_raw_connection()
        await raw.driver_connection.copy_records_to_table(
            "targets", schema_name="projects", records=records,
            columns=("id", "target_list_id", "project_id", "client_id", "company_name", "company_name_key", "phone",
                     "industry", "priority_tier", "created_at", "updated_at"))
    start = datetime.now(UTC) - timedelta(days=20)
    calls = [{
        "target_id": str(records[i % len(records)][0]), "member_id": str(floor.members[i % 3].id),
        "occurred_at": (start + timedelta(seconds=i * 30)).isoformat(), "outcome": "no_answer" if i % 2 else "absent",
        "duration_s": i % 90, "variant": "A" if i % 2 else "B",
    } for i in range(n)]
    began = time.perf_counter()
    response = await api.post(f"/v1/projects/{floor.project_id}/calls/bulk", json={"calls": calls},
                              headers=floor.director.headers)
    elapsed = time.perf_counter() - began
    assert response.status_code == 201, response.text[:500]
    assert response.json()["created"] == n and len(response.json()["items"]) == n
    async with resources.engine.connect() as conn:
        stored = (await conn.execute(sa.text("SELECT count(*) FROM projects.calls WHERE project_id = :p"),
                                     {"p": floor.project_id})).scalar_one()
        events = (await conn.execute(sa.text(
            "SELECT count(*), count(*) FILTER (WHERE (payload->>'first_call_of_target')::boolean) "
            "FROM projects.outbox_events WHERE type = 'call.logged' AND tenant = :c"), {"c": floor.client_id})).one()
        counts = (await conn.execute(sa.select(sa.func.sum(Target.call_count)).where(
            Target.project_id == floor.project_id))).scalar_one()
    assert stored == n and tuple(events) == (n, n // 2) and counts == n
    print(f"bulk of {n} calls: {elapsed:.2f}s ({n / elapsed:.0f} calls/s in process)")
    too_many = await api.post(f"/v1/projects/{floor.project_id}/calls/bulk", json={"calls": calls + calls[:1]},
                              headers=floor.director.headers)
    assert too_many.status_code == 422 and too_many.json()["errors"][0]["field"] == "calls"


async def test_expired_idempotency_keys_are_purged(resources) -> None:
    from anken_projects.idempotency.retention import purge_expired_keys

    async with resources.engine.begin() as conn:
        await conn.execute(sa.text(
            "INSERT INTO projects.idempotency_keys (principal, operation, key, request_hash, status_code, response, "
            "created_at) VALUES ('user:x', 'POST /v1/x', :old, 'h', 201, '{}', now() - interval '8 days'), "
            "('user:x', 'POST /v1/x', :new, 'h', 201, '{}', now())"), {"old": "old-" + uuid.uuid4().hex,
                                                                         "new": "new-" + uuid.uuid4().hex})
    assert await purge_expired_keys(resources.engine) >= 1
    async with resources.engine.connect() as conn:
        left = (await conn.execute(sa.text(
            "SELECT count(*) FROM projects.idempotency_keys WHERE created_at < now() - interval '7 days'"))).scalar_one()
    assert left == 0


async def test_startup_freezes_long_lived_objects(app) -> None:
    """The app's own objects are out of the cyclic collector's full passes (see main.create_app's lifespan)."""
    import gc

    assert gc.get_freeze_count() > 10_000
