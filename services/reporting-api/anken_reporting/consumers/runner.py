"""The live consumer: projects-api's events from the Redis stream, a batch per transaction.

A batch is applied in one transaction (runs of calls in bulk); if that fails, its events are
applied one transaction each so one bad event cannot hold back the others, and the failing
one stays pending in the consumer group to be retried.
"""

from __future__ import annotations

import asyncio
import socket

import sqlalchemy as sa
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from anken_common.event_stream import run_consumer
from anken_common.events import EventEnvelope
from anken_common.logging import get_logger
from anken_reporting.consumers.apply import apply_event
from anken_reporting.consumers.batch import apply_events
from anken_reporting.consumers.registry import ApplyContext
from anken_reporting.settings import ReportingSettings

log = get_logger("anken.reporting.consumer")
CONSUMER_GROUP = "reporting"
# A rebuild holds this lock exclusively; live application takes it shared, so it waits
# (rather than writing into half-truncated read models) while a rebuild runs.
REBUILD_LOCK_KEY = 0x616E6B656E5242  # "ankenRB"
LOCK_SHARED = sa.select(sa.func.pg_advisory_xact_lock_shared(sa.bindparam("k", type_=sa.BigInteger)))


def make_handler(sessionmaker: async_sessionmaker[AsyncSession], settings: ReportingSettings):
    """Apply one envelope in its own transaction (the fallback path, and handy in tests)."""
    ctx = ApplyContext(live=True, settings=settings)

    async def handle(envelope: EventEnvelope) -> None:
        if envelope.source == "reporting-api":
            return  # our own alerts come back on the shared stream; nothing to fold in
        async with sessionmaker() as session, session.begin():
            await session.execute(LOCK_SHARED, {"k": REBUILD_LOCK_KEY})
            await apply_event(session, envelope, ctx)

    return handle


def make_batch_handler(sessionmaker: async_sessionmaker[AsyncSession], settings: ReportingSettings):
    ctx = ApplyContext(live=True, settings=settings)
    single = make_handler(sessionmaker, settings)

    async def handle_batch(envelopes: list[EventEnvelope]) -> int:
        """Apply the batch; returns how many leading envelopes are done (all, unless one failed)."""
        try:
            async with sessionmaker() as session, session.begin():
                await session.execute(LOCK_SHARED, {"k": REBUILD_LOCK_KEY})
                await apply_events(session, envelopes, ctx)
            return len(envelopes)
        except Exception:
            log.warning("batch_failed_falling_back", size=len(envelopes))
        for done, envelope in enumerate(envelopes):
            try:
                await single(envelope)
            except Exception:
                log.exception("event_handler_failed", event_id=str(envelope.id), type=envelope.type)
                return done
        return len(envelopes)

    return handle_batch


async def run_event_consumer(
    sessionmaker: async_sessionmaker[AsyncSession], redis: Redis, settings: ReportingSettings, stop: asyncio.Event
) -> None:
    """Consume until `stop` is set, on the shared loop (anken_common.event_stream.run_consumer)."""
    consumer = f"reporting-{socket.gethostname()}"
    await run_consumer(redis, settings.redis_namespace, CONSUMER_GROUP, consumer,
                       make_batch_handler(sessionmaker, settings), stop)
