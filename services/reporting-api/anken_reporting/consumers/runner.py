"""The live consumer: projects-api's events from the Redis stream, one transaction per event."""

from __future__ import annotations

import asyncio
import socket

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from anken_common.event_stream import run_consumer
from anken_common.events import EventEnvelope
from anken_reporting.consumers.apply import apply_event
from anken_reporting.consumers.registry import ApplyContext
from anken_reporting.settings import ReportingSettings

CONSUMER_GROUP = "reporting"
# A rebuild holds this lock exclusively; live application takes it shared, so it waits
# (rather than writing into half-truncated read models) while a rebuild runs.
REBUILD_LOCK_KEY = 0x616E6B656E5242  # "ankenRB"


def make_handler(sessionmaker: async_sessionmaker[AsyncSession], settings: ReportingSettings):
    ctx = ApplyContext(live=True, settings=settings)

    async def handle(envelope: EventEnvelope) -> None:
        if envelope.source == "reporting-api":
            return  # our own alerts come back on the shared stream; nothing to fold in
        async with sessionmaker() as session, session.begin():
            await session.execute(text("SELECT pg_advisory_xact_lock_shared(:k)"), {"k": REBUILD_LOCK_KEY})
            await apply_event(session, envelope, ctx)

    return handle


async def run_event_consumer(
    sessionmaker: async_sessionmaker[AsyncSession], redis, settings: ReportingSettings, stop: asyncio.Event
) -> None:
    consumer = f"reporting-{socket.gethostname()}"
    await run_consumer(redis, settings.redis_namespace, CONSUMER_GROUP, consumer, make_handler(sessionmaker, settings), stop)
