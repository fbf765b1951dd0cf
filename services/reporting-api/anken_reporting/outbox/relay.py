"""The relay: moves committed outbox rows to the Redis events stream, in outbox order.

Only one relay runs at a time across replicas (a PostgreSQL advisory lock). A row is
marked published only after XADD succeeded; a crash in between republishes it, which
consumers absorb because they dedupe by event id. While Redis is down rows simply wait.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from anken_common.events import EventEnvelope
from anken_common.logging import get_logger

log = get_logger("anken.outbox")
RELAY_LOCK_KEY = 0x616E6B656E02  # "anken" + reporting


async def relay_once(engine: AsyncEngine, redis: Redis, namespace: str, batch: int = 1000) -> int:
    """Publish up to `batch` unpublished events; returns how many were published."""
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT id, event_id, type, aggregate_type, aggregate_id, tenant, payload, occurred_at "
                    "FROM reporting.outbox_events WHERE published_at IS NULL ORDER BY id LIMIT :n"
                ),
                {"n": batch},
            )
        ).all()
        await conn.rollback()
    if not rows:
        return 0
    published: list[int] = []
    pipe = redis.pipeline(transaction=False)
    for row in rows:
        envelope = EventEnvelope(
            id=row.event_id, type=row.type, occurred_at=row.occurred_at, tenant=row.tenant,
            aggregate_type=row.aggregate_type, aggregate_id=row.aggregate_id, sequence=row.id, payload=row.payload,
            source="reporting-api",
        )
        pipe.xadd(f"{namespace}:events", {"envelope": envelope.to_json()}, maxlen=5_000_000, approximate=True)
        published.append(row.id)
    await pipe.execute()
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE reporting.outbox_events SET published_at = :now WHERE id = ANY(:ids)"),
            {"now": datetime.now(UTC), "ids": published},
        )
    return len(published)


async def run_relay(engine: AsyncEngine, redis: Redis, namespace: str, stop: asyncio.Event, interval_s: float) -> None:
    """Relay until `stop` is set. Holds the advisory lock on a dedicated connection while active."""
    delay = interval_s
    while not stop.is_set():
        try:
            async with engine.connect() as lock_conn:
                got = (await lock_conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": RELAY_LOCK_KEY})).scalar()
                if not got:
                    await lock_conn.rollback()
                    await _sleep(stop, 2.0)
                    continue
                await lock_conn.commit()
                try:
                    while not stop.is_set():
                        n = await relay_once(engine, redis, namespace)
                        delay = interval_s
                        if n == 0:
                            await _sleep(stop, interval_s)
                finally:
                    await lock_conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": RELAY_LOCK_KEY})
                    await lock_conn.commit()
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("outbox_relay_error", error=str(exc)[:200], retry_in_s=round(delay, 2))
            await _sleep(stop, delay)
            delay = min(max(delay, 0.2) * 2, 10.0)


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
    except TimeoutError:
        pass
