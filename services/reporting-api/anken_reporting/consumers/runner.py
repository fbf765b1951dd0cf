"""The live consumer: projects-api's events from the Redis stream, a batch per transaction.

A batch is applied in one transaction (runs of calls in bulk); if that fails, its events are
applied one transaction each, stopping at the first that fails (anken_common.event_stream's
batch_with_fallback): it and those after it stay pending in the consumer group to be retried in
order. Events a vanished consumer (an earlier container) left pending are taken over once idle.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable

import sqlalchemy as sa
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from anken_common.event_stream import BatchHandler, batch_with_fallback, run_consumer
from anken_common.events import EventEnvelope
from anken_reporting.consumers.apply import apply_event
from anken_reporting.consumers.batch import apply_events
from anken_reporting.consumers.registry import ApplyContext
from anken_reporting.settings import ReportingSettings

CONSUMER_GROUP = "reporting"
# A rebuild holds this lock exclusively; live application takes it shared, so it waits
# (rather than writing into half-truncated read models) while a rebuild runs.
REBUILD_LOCK_KEY = 0x616E6B656E5242  # "ankenRB"
LOCK_SHARED = sa.select(sa.func.pg_advisory_xact_lock_shared(sa.bindparam("k", type_=sa.BigInteger)))


def make_handler(
    sessionmaker: async_sessionmaker[AsyncSession], settings: ReportingSettings
) -> Callable[[EventEnvelope], Awaitable[None]]:
    """Apply one envelope in its own transaction (the fallback path, and handy in tests)."""
    ctx = ApplyContext(live=True, settings=settings)

    async def handle(envelope: EventEnvelope) -> None:
        if envelope.source == "reporting-api":
            return  # our own alerts come back on the shared stream; nothing to fold in
        async with sessionmaker() as session, session.begin():
            await session.execute(LOCK_SHARED, {"k": REBUILD_LOCK_KEY})
            await apply_event(session, envelope, ctx)

    return handle


def make_batch_handler(sessionmaker: async_sessionmaker[AsyncSession], settings: ReportingSettings) -> BatchHandler:
    """The batch in one transaction with runs of calls in bulk, else one event per transaction
    (anken_common.event_stream.batch_with_fallback); returns how many leading envelopes are done."""
    ctx = ApplyContext(live=True, settings=settings)

    async def apply_batch(envelopes: list[EventEnvelope]) -> None:
        async with sessionmaker() as session, session.begin():
            await session.execute(LOCK_SHARED, {"k": REBUILD_LOCK_KEY})
            await apply_events(session, envelopes, ctx)

    return batch_with_fallback(apply_batch, group=CONSUMER_GROUP, apply_one=make_handler(sessionmaker, settings))


async def run_event_consumer(
    sessionmaker: async_sessionmaker[AsyncSession], redis: Redis, settings: ReportingSettings, stop: asyncio.Event
) -> None:
    """Consume until `stop` is set, on the shared loop (anken_common.event_stream.run_consumer),
    taking over what a vanished consumer left pending for `consumer_claim_idle_s`."""
    consumer = f"reporting-{socket.gethostname()}"
    await run_consumer(redis, settings.redis_namespace, CONSUMER_GROUP, consumer,
                       make_batch_handler(sessionmaker, settings), stop,
                       claim_idle_ms=round(settings.consumer_claim_idle_s * 1000))
