"""Applying one event to the read models: idempotent by event id, order-safe per aggregate."""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.event_payloads import parse_payload
from anken_common.events import EventEnvelope
from anken_common.logging import get_logger
from anken_reporting.consumers.models import aggregate_positions, processed_events
from anken_reporting.consumers.registry import PROJECTIONS, ApplyContext, discover_projections

log = get_logger("anken.reporting.apply")

# Calls keep their own per-call state (call_states) and handle order there, so that a late
# `call.logged` after its `call.updated` is detected with the call's own sequence. Events that
# are facts rather than snapshots of one aggregate (hours logged, imports, contract changes)
# are not order-checked either: each one is applied once.
SELF_ORDERED_PREFIXES = ("call.", "worked_hours.", "target.", "target_list.", "contract_change.")


async def apply_event(session: AsyncSession, envelope: EventEnvelope, ctx: ApplyContext | None = None) -> bool:
    """Fold `envelope` into the read models inside the caller's transaction.

    Returns False when the event was already applied (duplicate) or is older than what the
    read models already reflect for its aggregate; True when it was applied.
    """
    discover_projections()
    ctx = ctx or ApplyContext()
    first_time = (
        insert(processed_events)
        .values(event_id=envelope.id, type=envelope.type[:64])
        .on_conflict_do_nothing(index_elements=[processed_events.c.event_id])
        .returning(processed_events.c.event_id)
    )
    inserted = (await session.execute(first_time)).first()
    if inserted is None:
        return False
    handlers = PROJECTIONS.get(envelope.type)
    if not handlers:
        return True
    if envelope.sequence > 0 and not envelope.type.startswith(SELF_ORDERED_PREFIXES):
        if not await _advance_position(session, envelope):
            log.info("stale_event_ignored", event_id=str(envelope.id), type=envelope.type,
                     aggregate_id=envelope.aggregate_id, sequence=envelope.sequence)
            return False
    try:
        payload = parse_payload(envelope.type, envelope.payload)
    except ValidationError as exc:
        # A payload that breaks the contract would stall the stream forever if retried; it is
        # logged and skipped (recorded as processed) so every later event still applies.
        log.error("event_payload_invalid", event_id=str(envelope.id), type=envelope.type, error=str(exc)[:500])
        return False
    if payload is None:
        return True
    for handler in handlers:
        await handler(session, envelope, payload, ctx)
    return True


async def _advance_position(session: AsyncSession, envelope: EventEnvelope) -> bool:
    """Record the entity's new sequence; False when an equal or newer one was applied before.

    The entity is named by the event type and the payload's id (an assignment event may be
    recorded under its project's aggregate), so one entity's events never hide another's.
    """
    entity_type = envelope.type.split(".", 1)[0]
    entity_id = envelope.payload.get("id") or envelope.aggregate_id
    position = insert(aggregate_positions).values(
        aggregate_type=entity_type[:32], aggregate_id=str(entity_id)[:64], sequence=envelope.sequence
    )
    newer = position.on_conflict_do_update(
        index_elements=[aggregate_positions.c.aggregate_type, aggregate_positions.c.aggregate_id],
        set_={"sequence": position.excluded.sequence},
        where=aggregate_positions.c.sequence < position.excluded.sequence,
    ).returning(aggregate_positions.c.sequence)
    row = (await session.execute(newer)).first()
    return row is not None
