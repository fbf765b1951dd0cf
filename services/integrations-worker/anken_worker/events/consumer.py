"""The worker's consumer of the events stream (group "integrations")."""

from __future__ import annotations

import asyncio
import uuid
from contextlib import suppress
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from anken_common.event_payloads import PAYLOAD_MODELS, parse_payload
from anken_common.event_stream import ensure_group
from anken_common.events import EventEnvelope, events_stream
from anken_common.logging import get_logger
from anken_worker.context import WorkerContext
from anken_worker.deliveries import repository as delivery_repo
from anken_worker.deliveries.models import DeliveryPlan, DeliveryStatus, payload_hash
from anken_worker.events.batch_lookups import BatchLookups
from anken_worker.events.planner import plan_event
from anken_worker.jobs.enqueue import wake_targets
from anken_worker.kit.tables import deliveries, unknown_events
from anken_worker.settings import EVENT_GROUP
from anken_worker.worker_metrics import EVENTS_HANDLED, MALFORMED_EVENTS, UNKNOWN_EVENTS

log = get_logger("anken.worker.events")


async def handle_events(ctx: WorkerContext, envelopes: list[EventEnvelope]) -> list[str]:
    """Record what a batch of events calls for in one transaction (in stream order), then enqueue.

    The batch's deliveries are recorded by one statement, in the events' order: one round trip per
    event would wait for a turn of an event loop busy with deliveries, each time."""
    plans: list[DeliveryPlan] = []
    lookups = BatchLookups(envelopes)
    async with ctx.engine.begin() as conn:
        for envelope in envelopes:
            plans += await _apply(conn, envelope, lookups)
        new = set(await delivery_repo.insert_plans(conn, plans))
    for envelope in envelopes:
        EVENTS_HANDLED.labels(envelope.type[:64]).inc()
    recorded = list({p.key: (p.key, p.order_key) for p in plans if p.key in new}.values())
    await wake_targets(ctx, recorded)
    return [key for key, _ in recorded]


async def _apply(conn: AsyncConnection, envelope: EventEnvelope, lookups: BatchLookups) -> list[DeliveryPlan]:
    """The deliveries one event calls for, in order (recorded by the caller)."""
    if envelope.type not in PAYLOAD_MODELS:
        UNKNOWN_EVENTS.labels(envelope.type[:64]).inc()
        stmt = insert(unknown_events).values(event_type=envelope.type[:100], count=1)
        await conn.execute(stmt.on_conflict_do_update(
            index_elements=["event_type"], set_={"count": unknown_events.c.count + 1, "last_seen_at": sa.func.now()}))
        return []
    try:
        payload = parse_payload(envelope.type, envelope.payload)
    except ValidationError as exc:
        await _dead_letter_malformed(conn, envelope, exc)
        return []
    return await plan_event(conn, envelope, payload, lookups)


async def _dead_letter_malformed(conn: AsyncConnection, envelope: EventEnvelope, exc: ValidationError) -> None:
    """A payload that breaks the contract is dead-lettered with the reason, never retried."""
    MALFORMED_EVENTS.labels(envelope.type).inc()
    reason = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())[:1000]
    log.error("malformed_event", event_id=str(envelope.id), type=envelope.type, reason=reason)
    await conn.execute(insert(deliveries).values(
        id=uuid.uuid4(), idempotency_key=f"evt:{envelope.id}:malformed", integration="event",
        action="event.malformed", target=envelope.type, order_key=f"event:{envelope.id}",
        source_event_id=envelope.id, source_event_type=envelope.type, payload=envelope.payload,
        payload_hash=payload_hash(envelope.payload), status=DeliveryStatus.dead.value, attempts=0,
        last_error=f"malformed {envelope.type} payload: {reason}", progress={}, completed_at=sa.func.now(),
    ).on_conflict_do_nothing(index_elements=["idempotency_key"]))


async def _process(ctx: WorkerContext, stream: str, messages: list[Any]) -> None:
    """Handle messages as one batch; if the batch fails, one by one, stopping at the first failure
    (later messages stay pending and are retried in order)."""
    ids, envelopes = [], []
    for msg_id, fields in messages:
        raw = fields.get(b"envelope") or fields.get("envelope")
        try:
            envelopes.append(EventEnvelope.from_json(raw))
            ids.append(msg_id)
        except Exception as exc:  # not an envelope at all: nothing to retry
            log.error("malformed_envelope", msg_id=str(msg_id), error=str(exc)[:200])
            await ctx.redis.xack(stream, EVENT_GROUP, msg_id)
    if not envelopes:
        return
    try:
        await handle_events(ctx, envelopes)
    except Exception:
        log.exception("event_batch_failed", size=len(envelopes))
        for msg_id, envelope in zip(ids, envelopes, strict=True):
            await handle_events(ctx, [envelope])
            await ctx.redis.xack(stream, EVENT_GROUP, msg_id)
        return
    await ctx.redis.xack(stream, EVENT_GROUP, *ids)


async def run_event_consumer(ctx: WorkerContext, stop: asyncio.Event, batch: int = 500) -> None:
    """Consume until `stop` is set: first this consumer's pending messages (left by a crash), then new
    ones; acknowledged only after their deliveries are recorded. Survives Redis and database outages."""
    ns, consumer = ctx.settings.redis_namespace, ctx.settings.consumer_name
    stream = events_stream(ns)
    delay = 0.5
    while not stop.is_set():
        try:
            await ensure_group(ctx.redis, ns, EVENT_GROUP)
            for start in ("0", ">"):
                reply = await ctx.redis.xreadgroup(EVENT_GROUP, consumer, {stream: start}, count=batch,
                                                   block=None if start == "0" else 1000)
                messages = [m for _, msgs in reply or [] for m in msgs]
                if messages:
                    await _process(ctx, stream, messages)
                    break
            delay = 0.5
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("consumer_error", error=str(exc)[:200], retry_in_s=delay)
            with suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            delay = min(delay * 2, 10)
