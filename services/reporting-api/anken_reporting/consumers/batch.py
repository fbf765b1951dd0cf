"""Applying a batch of events in one transaction, in order, with runs of `call.logged` in bulk."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.events import EventEnvelope, EventType
from anken_reporting.consumers.apply import apply_event
from anken_reporting.consumers.registry import ApplyContext, discover_projections


async def apply_events(session: AsyncSession, envelopes: list[EventEnvelope], ctx: ApplyContext) -> int:
    """Apply `envelopes` inside the caller's transaction; returns how many were new.

    Order is kept: a run of consecutive `call.logged` events is applied together, every other
    event on its own between runs. reporting-api's own events are skipped.
    """
    from anken_reporting.readmodels.bulk_calls import apply_logged_calls

    discover_projections()
    applied = 0
    run: list[EventEnvelope] = []
    for envelope in envelopes:
        if envelope.source == "reporting-api":
            continue
        if envelope.type == EventType.call_logged:
            run.append(envelope)
            continue
        if run:
            applied += await apply_logged_calls(session, run, ctx)
            run = []
        applied += await apply_event(session, envelope, ctx)
    if run:
        applied += await apply_logged_calls(session, run, ctx)
    return applied
