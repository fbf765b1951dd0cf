"""The worker's consumer of the events stream (group "integrations")."""

from __future__ import annotations

import asyncio
import uuid

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert

from anken_common.event_payloads import PAYLOAD_MODELS, parse_payload
from anken_common.event_stream import run_consumer
from anken_common.events import EventEnvelope
from anken_common.logging import get_logger
from anken_worker.deliveries import repository as delivery_repo
from anken_worker.deliveries.models import DeliveryStatus, payload_hash
from anken_worker.events.planner import plan_event
from anken_worker.jobs.enqueue import enqueue_deliveries
from anken_worker.kit.tables import deliveries, unknown_events
from anken_worker.settings import EVENT_GROUP
from anken_worker.worker_metrics import EVENTS_HANDLED, MALFORMED_EVENTS, UNKNOWN_EVENTS

log = get_logger("anken.worker.events")


async def handle_event(ctx, envelope: EventEnvelope) -> list[str]:
    """Record what one event calls for and hand it to arq; returns the delivery keys newly recorded."""
    if envelope.type not in PAYLOAD_MODELS:
        UNKNOWN_EVENTS.labels(envelope.type[:64]).inc()
        async with ctx.engine.begin() as conn:
            stmt = insert(unknown_events).values(event_type=envelope.type[:100], count=1)
            await conn.execute(stmt.on_conflict_do_update(
                index_elements=["event_type"],
                set_={"count": unknown_events.c.count + 1, "last_seen_at": sa.func.now()}))
        return []
    try:
        payload = parse_payload(envelope.type, envelope.payload)
    except ValidationError as exc:
        await _dead_letter_malformed(ctx, envelope, exc)
        return []
    async with ctx.engine.begin() as conn:
        plans = await plan_event(conn, envelope, payload)
        keys = await delivery_repo.insert_plans(conn, plans)
    EVENTS_HANDLED.labels(envelope.type).inc()
    await enqueue_deliveries(ctx, keys)
    return keys


async def _dead_letter_malformed(ctx, envelope: EventEnvelope, exc: ValidationError) -> None:
    """A payload that breaks the contract is dead-lettered with the reason, never retried."""
    MALFORMED_EVENTS.labels(envelope.type).inc()
    reason = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())[:1000]
    log.error("malformed_event", event_id=str(envelope.id), type=envelope.type, reason=reason)
    async with ctx.engine.begin() as conn:
        await conn.execute(insert(deliveries).values(
            id=uuid.uuid4(), idempotency_key=f"evt:{envelope.id}:malformed", integration="event",
            action="event.malformed", target=envelope.type, order_key=f"event:{envelope.id}",
            source_event_id=envelope.id, source_event_type=envelope.type, payload=envelope.payload,
            payload_hash=payload_hash(envelope.payload), status=DeliveryStatus.dead.value, attempts=0,
            last_error=f"malformed {envelope.type} payload: {reason}", progress={}, completed_at=sa.func.now(),
        ).on_conflict_do_nothing(index_elements=["idempotency_key"]))


async def run_event_consumer(ctx, stop: asyncio.Event) -> None:
    async def handler(envelope: EventEnvelope) -> None:
        await handle_event(ctx, envelope)

    await run_consumer(ctx.redis, ctx.settings.redis_namespace, EVENT_GROUP, ctx.settings.consumer_name, handler, stop)
