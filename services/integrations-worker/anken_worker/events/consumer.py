"""The worker's consumer of the events stream (group "integrations")."""

from __future__ import annotations

import asyncio
import uuid

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from anken_common.event_payloads import PAYLOAD_MODELS, parse_payload
from anken_common.event_stream import BatchHandler, batch_with_fallback, run_consumer
from anken_common.events import EventEnvelope
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
# Events another consumer of the group has held unacknowledged this long are taken over: the worker
# names its consumer after the host, so a container restarted under a new name would otherwise
# leave its predecessor's pending events behind for ever. A live consumer acknowledges a batch in
# well under a second; a minute leaves a slow batch to its owner.
CLAIM_IDLE_MS = 60_000


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


def make_batch_handler(ctx: WorkerContext) -> BatchHandler:
    """The worker's handler for the shared loop (anken_common.event_stream.batch_with_fallback over
    handle_events): returns how many leading events are recorded (the loop acknowledges them)."""

    async def record(envelopes: list[EventEnvelope]) -> None:
        await handle_events(ctx, envelopes)

    return batch_with_fallback(record, group=EVENT_GROUP)


async def run_event_consumer(ctx: WorkerContext, stop: asyncio.Event) -> None:
    """Consume until `stop` is set, on the shared loop (anken_common.event_stream.run_consumer): first
    this consumer's pending messages (left by a crash) and those a vanished consumer left idle, then
    new ones, `consumer_batch` at a time; acknowledged only after their deliveries are recorded."""
    settings = ctx.settings
    await run_consumer(ctx.redis, settings.redis_namespace, EVENT_GROUP, settings.consumer_name,
                       make_batch_handler(ctx), stop, count=settings.consumer_batch,
                       claim_idle_ms=CLAIM_IDLE_MS)
