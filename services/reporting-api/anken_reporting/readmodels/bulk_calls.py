"""Applying runs of `call.logged` events in bulk: a handful of statements per run instead of
several per call, which is what lets the consumer keep up with call volume.

The new calls of a run are one set for call_effects.apply_contributions, the definition the
per-event path (readmodels.projections.apply_call) applies to a set of one; calls already known
(re-deliveries under a new id, out-of-order pairs) take that path.
"""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.event_payloads import CallPayload
from anken_common.events import EventEnvelope
from anken_common.logging import get_logger
from anken_reporting.consumers.registry import ApplyContext
from anken_reporting.readmodels.call_effects import State, apply_contributions, call_facts, write_states
from anken_reporting.readmodels.projections import apply_call
from anken_reporting.readmodels.timezones import local_day, today_in

INSERT_PROCESSED = text(
    "INSERT INTO reporting.processed_events (event_id, type) SELECT id, 'call.logged' FROM unnest(CAST(:ids AS uuid[])) "
    "AS t(id) ON CONFLICT (event_id) DO NOTHING RETURNING event_id"
)
log = get_logger("anken.reporting.apply")


async def apply_logged_calls(session: AsyncSession, envelopes: list[EventEnvelope], ctx: ApplyContext) -> int:
    """Apply `call.logged` envelopes (in stream order); returns how many were new."""
    unique: dict[uuid.UUID, EventEnvelope] = {}
    for envelope in envelopes:
        unique.setdefault(envelope.id, envelope)
    fresh_ids = {row[0] for row in await session.execute(INSERT_PROCESSED, {"ids": list(unique)})}
    fresh = []
    for envelope in unique.values():
        if envelope.id not in fresh_ids:
            continue
        try:
            fresh.append((envelope, CallPayload.model_validate(envelope.payload)))
        except ValidationError as exc:  # skipped, as consumers.apply does: never stall the stream
            log.error("event_payload_invalid", event_id=str(envelope.id), type=envelope.type, error=str(exc)[:500])
    if not fresh:
        return 0
    call_ids = [p.id for _, p in fresh]
    known = {row[0] for row in await session.execute(
        text("SELECT call_id FROM reporting.call_states WHERE call_id = ANY(CAST(:ids AS uuid[]))"), {"ids": call_ids}
    )}
    project_ids = list({p.project_id for _, p in fresh})
    zones: dict[uuid.UUID, str] = dict((await session.execute(
        text("SELECT id, timezone FROM reporting.projects WHERE id = ANY(CAST(:ids AS uuid[]))"), {"ids": project_ids}
    )).all())
    bulk: list[tuple[EventEnvelope, CallPayload]] = []
    slow: list[tuple[EventEnvelope, CallPayload]] = []
    seen: set[uuid.UUID] = set()
    for envelope, payload in fresh:
        (slow if payload.id in known or payload.id in seen else bulk).append((envelope, payload))
        seen.add(payload.id)
    states: list[State] = []
    touched: set[tuple[uuid.UUID, uuid.UUID, date]] = set()
    for envelope, p in bulk:
        facts = call_facts(p, zones.get(p.project_id))
        states.append((p.id, envelope.sequence, *facts, False))
        touched.add((p.project_id, p.member_id, facts[2]))
    await write_states(session, states)
    await apply_contributions(session, [(state[2:-1], +1) for state in states])
    for envelope, payload in slow:
        await apply_call(session, envelope, payload, ApplyContext(live=False, settings=ctx.settings))
        touched.add((payload.project_id, payload.member_id, local_day(payload.occurred_at, zones.get(payload.project_id))))
    if ctx.live:
        from anken_reporting.alerts.service import evaluate_member_pace

        for project_id, member_id, day in sorted(touched, key=str):
            # Only today's work is judged; skipping other days here saves a query per member-day.
            if day == today_in(zones.get(project_id)):
                await evaluate_member_pace(session, project_id, member_id, day, ctx)
    return len(fresh)
