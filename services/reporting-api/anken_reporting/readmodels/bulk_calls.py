"""Applying runs of `call.logged` events in bulk: a handful of statements per run instead of
several per call, which is what lets the consumer and a rebuild keep up with call volume.

The result is the same as applying each event with readmodels.projections.apply_call: calls
already known (re-deliveries under a new id, out-of-order pairs) take that exact path.
"""

from __future__ import annotations

import uuid
from collections import defaultdict

from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.event_payloads import CONTACT_OUTCOMES, CallPayload
from anken_common.events import EventEnvelope
from anken_common.logging import get_logger
from anken_reporting.consumers.registry import ApplyContext
from anken_reporting.readmodels.projections import apply_call
from anken_reporting.readmodels.timezones import local_day, today_in

INSERT_PROCESSED = text(
    "INSERT INTO reporting.processed_events (event_id, type) SELECT id, 'call.logged' FROM unnest(CAST(:ids AS uuid[])) "
    "AS t(id) ON CONFLICT (event_id) DO NOTHING RETURNING event_id"
)
INSERT_STATES = text(
    "INSERT INTO reporting.call_states (call_id, sequence, project_id, member_id, day, variant, script_version_id, "
    "industry, outcome, duration_s, first_call, deleted) SELECT *, false FROM unnest(CAST(:call_id AS uuid[]), "
    "CAST(:sequence AS bigint[]), CAST(:project_id AS uuid[]), CAST(:member_id AS uuid[]), CAST(:day AS date[]), "
    "CAST(:variant AS text[]), CAST(:script_version_id AS text[]), CAST(:industry AS text[]), CAST(:outcome AS text[]), "
    "CAST(:duration_s AS int[]), CAST(:first_call AS boolean[]))"
)
UPSERT_ROLLUPS = text(
    "INSERT INTO reporting.call_daily_rollups (project_id, member_id, day, variant, script_version_id, industry, calls, "
    "contacts, appointments, duration_s, first_calls) SELECT * FROM unnest(CAST(:project_id AS uuid[]), "
    "CAST(:member_id AS uuid[]), CAST(:day AS date[]), CAST(:variant AS text[]), CAST(:script_version_id AS text[]), "
    "CAST(:industry AS text[]), CAST(:calls AS int[]), CAST(:contacts AS int[]), CAST(:appointments AS int[]), "
    "CAST(:duration_s AS bigint[]), CAST(:first_calls AS int[])) "
    "ON CONFLICT ON CONSTRAINT uq_call_daily_rollups_key DO UPDATE SET "
    "calls = call_daily_rollups.calls + EXCLUDED.calls, contacts = call_daily_rollups.contacts + EXCLUDED.contacts, "
    "appointments = call_daily_rollups.appointments + EXCLUDED.appointments, "
    "duration_s = call_daily_rollups.duration_s + EXCLUDED.duration_s, "
    "first_calls = call_daily_rollups.first_calls + EXCLUDED.first_calls"
)
# Per (project, day) totals, keys sorted so concurrent batches take the row locks in one order.
UPSERT_PROJECT_DAYS = text(
    "INSERT INTO reporting.call_project_days (project_id, day, calls, contacts, appointments, duration_s, first_calls) "
    "SELECT * FROM unnest(CAST(:project_id AS uuid[]), CAST(:day AS date[]), CAST(:calls AS int[]), "
    "CAST(:contacts AS int[]), CAST(:appointments AS int[]), CAST(:duration_s AS bigint[]), CAST(:first_calls AS int[])) "
    "ON CONFLICT (project_id, day) DO UPDATE SET calls = call_project_days.calls + EXCLUDED.calls, "
    "contacts = call_project_days.contacts + EXCLUDED.contacts, "
    "appointments = call_project_days.appointments + EXCLUDED.appointments, "
    "duration_s = call_project_days.duration_s + EXCLUDED.duration_s, "
    "first_calls = call_project_days.first_calls + EXCLUDED.first_calls"
)
log = get_logger("anken.reporting.apply")

UPDATE_STOCK = text(
    "UPDATE reporting.target_stock s SET first_calls_since = s.first_calls_since + t.n "
    "FROM unnest(CAST(:project_id AS uuid[]), CAST(:n AS int[])) AS t(project_id, n) WHERE s.project_id = t.project_id"
)


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
    zones = dict((await session.execute(
        text("SELECT id, timezone FROM reporting.projects WHERE id = ANY(CAST(:ids AS uuid[]))"), {"ids": project_ids}
    )).all())
    bulk: list[tuple[EventEnvelope, CallPayload]] = []
    slow: list[tuple[EventEnvelope, CallPayload]] = []
    seen: set[uuid.UUID] = set()
    for envelope, payload in fresh:
        (slow if payload.id in known or payload.id in seen else bulk).append((envelope, payload))
        seen.add(payload.id)
    states: dict[str, list] = defaultdict(list)
    deltas: dict[tuple, list[int]] = {}
    first_calls: dict[uuid.UUID, int] = defaultdict(int)
    touched: set[tuple] = set()
    for envelope, p in bulk:
        day = local_day(p.occurred_at, zones.get(p.project_id))
        variant, version, industry = (p.variant or "")[:64], str(p.script_version_id or ""), (p.target_industry or "")[:100]
        for name, value in (("call_id", p.id), ("sequence", envelope.sequence), ("project_id", p.project_id),
                            ("member_id", p.member_id), ("day", day), ("variant", variant), ("script_version_id", version),
                            ("industry", industry), ("outcome", p.outcome), ("duration_s", p.duration_s),
                            ("first_call", p.first_call_of_target)):
            states[name].append(value)
        key = (p.project_id, p.member_id, day, variant, version, industry)
        sums = deltas.setdefault(key, [0, 0, 0, 0, 0])
        sums[0] += 1
        sums[1] += p.outcome in CONTACT_OUTCOMES
        sums[2] += p.outcome == "appointment"
        sums[3] += p.duration_s
        sums[4] += p.first_call_of_target
        if p.first_call_of_target:
            first_calls[p.project_id] += 1
        touched.add((p.project_id, p.member_id, day))
    if bulk:
        await session.execute(INSERT_STATES, dict(states))
        keys = list(deltas)
        await session.execute(UPSERT_ROLLUPS, {
            "project_id": [k[0] for k in keys], "member_id": [k[1] for k in keys], "day": [k[2] for k in keys],
            "variant": [k[3] for k in keys], "script_version_id": [k[4] for k in keys], "industry": [k[5] for k in keys],
            "calls": [deltas[k][0] for k in keys], "contacts": [deltas[k][1] for k in keys],
            "appointments": [deltas[k][2] for k in keys], "duration_s": [deltas[k][3] for k in keys],
            "first_calls": [deltas[k][4] for k in keys],
        })
        days: dict[tuple, list[int]] = {}
        for key, sums in deltas.items():
            day_sums = days.setdefault((key[0], key[2]), [0, 0, 0, 0, 0])
            for i, value in enumerate(sums):
                day_sums[i] += value
        day_keys = sorted(days, key=lambda k: (str(k[0]), k[1]))
        await session.execute(UPSERT_PROJECT_DAYS, {
            "project_id": [k[0] for k in day_keys], "day": [k[1] for k in day_keys],
            **{name: [days[k][i] for k in day_keys]
               for i, name in enumerate(("calls", "contacts", "appointments", "duration_s", "first_calls"))},
        })
        if first_calls:
            await session.execute(UPDATE_STOCK, {"project_id": list(first_calls), "n": list(first_calls.values())})
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
