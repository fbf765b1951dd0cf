"""The outbox relay: moves committed outbox rows to the Redis events stream, in outbox order.

Only one relay per outbox runs at a time across replicas (a PostgreSQL advisory lock). A
row is marked published only after XADD succeeded; a crash in between republishes it, which
consumers absorb because they dedupe by event id. While Redis is down rows simply wait.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from anken_common.events import OUTBOX_COLUMNS, envelope_from_outbox_row, events_stream
from anken_common.logging import get_logger
from anken_common.stopping import sleep_or_stop

log = get_logger("anken.outbox")


class OutboxRelay:
    """Relays `<schema>.outbox_events` for the service named `source`."""

    def __init__(self, engine: AsyncEngine, redis: Redis, namespace: str, *, schema: str, source: str, lock_key: int) -> None:
        self.engine = engine
        self.redis = redis
        self.namespace = namespace
        self.table = f"{schema}.outbox_events"
        self.source = source
        self.lock_key = lock_key

    async def relay_once(self, batch: int = 1000) -> int:
        """Publish up to `batch` unpublished events; returns how many were published.

        The rows stay locked (FOR UPDATE) from selection until they are marked published, so a
        second relay running at the same moment (another replica, a CLI, a test) waits and then
        skips them instead of publishing them again.
        """
        async with self.engine.begin() as conn:
            rows = (
                await conn.execute(
                    text(
                        f"SELECT {', '.join(OUTBOX_COLUMNS)} "
                        f"FROM {self.table} WHERE published_at IS NULL ORDER BY id LIMIT :n FOR UPDATE"
                    ),
                    {"n": batch},
                )
            ).all()
            if not rows:
                return 0
            pipe = self.redis.pipeline(transaction=False)
            for row in rows:
                envelope = envelope_from_outbox_row(row, self.source)
                pipe.xadd(
                    events_stream(self.namespace), {"envelope": envelope.to_json()}, maxlen=5_000_000, approximate=True
                )
            await pipe.execute()
            await conn.execute(
                text(f"UPDATE {self.table} SET published_at = :now WHERE id = ANY(:ids)"),
                {"now": datetime.now(UTC), "ids": [row.id for row in rows]},
            )
        return len(rows)

    async def run(self, stop: asyncio.Event, interval_s: float) -> None:
        """Relay until `stop` is set, holding the advisory lock on a dedicated connection while active."""
        delay = interval_s
        while not stop.is_set():
            try:
                async with self.engine.connect() as lock_conn:
                    got = (await lock_conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": self.lock_key})).scalar()
                    if not got:
                        await lock_conn.rollback()
                        await sleep_or_stop(stop, 2.0)
                        continue
                    await lock_conn.commit()
                    try:
                        while not stop.is_set():
                            published = await self.relay_once()
                            delay = interval_s
                            if published == 0:
                                await sleep_or_stop(stop, interval_s)
                    finally:
                        await lock_conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": self.lock_key})
                        await lock_conn.commit()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("outbox_relay_error", outbox=self.table, error=str(exc)[:200], retry_in_s=round(delay, 2))
                await sleep_or_stop(stop, delay)
                delay = min(max(delay, 0.2) * 2, 10.0)
