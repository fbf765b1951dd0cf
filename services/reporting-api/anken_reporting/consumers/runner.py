"""The live consumer: projects-api's events from the Redis stream, a batch per transaction.

A batch is applied in one transaction (runs of calls in bulk); if that fails, its events are
applied one transaction each so one bad event cannot hold back the others, and the failing
one stays pending in the consumer group to be retried.
"""

from __future__ import annotations

import asyncio
import socket

from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from anken_common.event_stream import ensure_group
from anken_common.events import EventEnvelope, events_stream
from anken_common.logging import get_logger
from anken_common.stopping import sleep_or_stop
from anken_reporting.consumers.apply import apply_event
from anken_reporting.consumers.batch import apply_events
from anken_reporting.consumers.registry import ApplyContext
from anken_reporting.settings import ReportingSettings

log = get_logger("anken.reporting.consumer")
CONSUMER_GROUP = "reporting"
# A rebuild holds this lock exclusively; live application takes it shared, so it waits
# (rather than writing into half-truncated read models) while a rebuild runs.
REBUILD_LOCK_KEY = 0x616E6B656E5242  # "ankenRB"
LOCK_SHARED = text("SELECT pg_advisory_xact_lock_shared(:k)")


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


async def consume_once(redis: Redis, namespace: str, consumer: str, handle_batch, *, count: int = 1000,
                       block_ms: int = 1000) -> int:
    """Read pending (then new) messages, apply them as one batch, ack what was applied."""
    stream = events_stream(namespace)
    for start in ("0", ">"):
        reply = await redis.xreadgroup(CONSUMER_GROUP, consumer, {stream: start}, count=count,
                                       block=None if start == "0" else block_ms)
        messages = [m for _, batch in reply or [] for m in batch]
        if not messages:
            continue
        ids, envelopes, malformed = [], [], []
        for msg_id, fields in messages:
            raw = fields.get(b"envelope") or fields.get("envelope")
            try:
                envelopes.append(EventEnvelope.from_json(raw))
                ids.append(msg_id)
            except Exception as exc:
                log.error("malformed_event", msg_id=str(msg_id), error=str(exc)[:200])
                malformed.append(msg_id)
        if malformed:
            await redis.xack(stream, CONSUMER_GROUP, *malformed)
        done = await handle_batch(envelopes) if envelopes else 0
        if done:
            await redis.xack(stream, CONSUMER_GROUP, *ids[:done])
        if done < len(envelopes):
            # Keep order: the failed event stays pending and is retried after a backoff.
            raise RuntimeError(f"event {envelopes[done].id} failed; retrying")
        return done
    return 0


async def run_event_consumer(
    sessionmaker: async_sessionmaker[AsyncSession], redis: Redis, settings: ReportingSettings, stop: asyncio.Event
) -> None:
    """Consume until `stop` is set; survives Redis and database outages with backoff."""
    consumer = f"reporting-{socket.gethostname()}"
    handle_batch = make_batch_handler(sessionmaker, settings)
    delay = 0.5
    while not stop.is_set():
        try:
            await ensure_group(redis, settings.redis_namespace, CONSUMER_GROUP)
            await consume_once(redis, settings.redis_namespace, consumer, handle_batch)
            delay = 0.5
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("consumer_error", error=str(exc)[:200], retry_in_s=delay)
            await sleep_or_stop(stop, delay)
            delay = min(delay * 2, 10)
