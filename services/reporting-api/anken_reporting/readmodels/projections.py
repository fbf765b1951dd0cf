"""Folding projects-api's events into the KPI read models (see migrations/0002_read_models)."""

from __future__ import annotations

import json
import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.event_payloads import (
    AppointmentPayload,
    AssignmentPayload,
    CallPayload,
    ContractChangePayload,
    ProjectPayload,
    TargetListImportedPayload,
    TargetPayload,
    UserPayload,
    WorkedHoursPayload,
)
from anken_common.events import EventEnvelope, EventType
from anken_reporting.consumers.registry import ApplyContext, projection, rebuildable_tables
from anken_reporting.readmodels.call_effects import FACTS, Facts, apply_contributions, call_facts, write_states
from anken_reporting.readmodels.timezones import local_day

rebuildable_tables(
    "projects", "users", "assignments", "call_daily_rollups", "call_project_days", "call_states", "worked_hours",
    "target_stock", "contract_changes", "appointments",
)


async def project_timezone(session: AsyncSession, project_id: uuid.UUID) -> str:
    tz: str | None = (await session.execute(text("SELECT timezone FROM reporting.projects WHERE id = :id"), {"id": project_id})).scalar()
    return tz or "Asia/Tokyo"


def newer_events_only(table: str) -> str:
    """The end of an upsert's `ON CONFLICT (id) DO UPDATE SET ...` for a read model row that keeps its entity's
    latest state (a `sequence` column, bound as `:seq`): the row records the outbox sequence it was taken from,
    and an event older than that one (e.g. one a consumer took over late) leaves the row as it is. Sequence 0
    (unknown) always applies."""
    return (f"sequence = GREATEST({table}.sequence, EXCLUDED.sequence) "
            f"WHERE EXCLUDED.sequence = 0 OR {table}.sequence <= EXCLUDED.sequence")


@projection(EventType.project_created, EventType.project_updated, EventType.project_status_changed)
async def apply_project(session: AsyncSession, envelope: EventEnvelope, p: ProjectPayload, ctx: ApplyContext) -> None:
    """One row per project, its latest settings: an event older than the one the row holds is ignored."""
    await session.execute(
        text(
            "INSERT INTO reporting.projects (id, client_id, client_name, director_id, name, status, timezone, "
            "monthly_appointment_target, contracted_monthly_hours, contract_end, renewal_date, extra_closed_days, "
            "weekly_meeting_weekday, weekly_meeting_time, client_sees_member_names, sequence) VALUES (:id, :client_id, "
            ":client_name, :director_id, :name, :status, :timezone, :target, :hours, :contract_end, :renewal_date, "
            "CAST(:closed AS jsonb), :mw, :mt, :names, :seq) "
            "ON CONFLICT (id) DO UPDATE SET client_id = EXCLUDED.client_id, "
            "client_name = COALESCE(EXCLUDED.client_name, projects.client_name), director_id = EXCLUDED.director_id, "
            "name = EXCLUDED.name, status = EXCLUDED.status, timezone = EXCLUDED.timezone, "
            "monthly_appointment_target = EXCLUDED.monthly_appointment_target, "
            "contracted_monthly_hours = EXCLUDED.contracted_monthly_hours, contract_end = EXCLUDED.contract_end, "
            "renewal_date = EXCLUDED.renewal_date, extra_closed_days = EXCLUDED.extra_closed_days, "
            "weekly_meeting_weekday = EXCLUDED.weekly_meeting_weekday, weekly_meeting_time = EXCLUDED.weekly_meeting_time, "
            "client_sees_member_names = EXCLUDED.client_sees_member_names, "
            f"{newer_events_only('projects')}"
        ),
        {
            "id": p.id, "client_id": p.client_id, "client_name": p.client_name, "director_id": p.director_id,
            "name": p.name, "status": p.status, "timezone": p.timezone, "target": p.monthly_appointment_target,
            "hours": p.contracted_monthly_hours, "contract_end": p.contract_end, "renewal_date": p.renewal_date,
            "closed": json.dumps(sorted(d.isoformat() for d in p.extra_closed_days)),
            "mw": p.weekly_meeting_weekday, "mt": p.weekly_meeting_time, "names": p.client_sees_member_names,
            "seq": envelope.sequence or 0,
        },
    )


@projection(EventType.user_created, EventType.user_updated)
async def apply_user(session: AsyncSession, envelope: EventEnvelope, p: UserPayload, ctx: ApplyContext) -> None:
    await session.execute(
        text(
            "INSERT INTO reporting.users (id, name, role) VALUES (:id, :name, :role) "
            "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role"
        ),
        {"id": p.id, "name": p.name, "role": p.role},
    )


@projection(EventType.assignment_created, EventType.assignment_updated, EventType.assignment_deleted)
async def apply_assignment(session: AsyncSession, envelope: EventEnvelope, p: AssignmentPayload, ctx: ApplyContext) -> None:
    await session.execute(
        text(
            "INSERT INTO reporting.assignments (id, project_id, member_id, member_name, planned_hours, active) "
            "VALUES (:id, :project_id, :member_id, :member_name, :planned_hours, :active) "
            "ON CONFLICT (id) DO UPDATE SET project_id = EXCLUDED.project_id, member_id = EXCLUDED.member_id, "
            "member_name = COALESCE(EXCLUDED.member_name, assignments.member_name), "
            "planned_hours = EXCLUDED.planned_hours, active = EXCLUDED.active"
        ),
        {
            "id": p.id, "project_id": p.project_id, "member_id": p.member_id, "member_name": p.member_name,
            "planned_hours": p.planned_hours, "active": envelope.type != EventType.assignment_deleted,
        },
    )


@projection(EventType.worked_hours_logged)
async def apply_worked_hours(session: AsyncSession, envelope: EventEnvelope, p: WorkedHoursPayload, ctx: ApplyContext) -> None:
    # The event carries the day's total, so a later log replaces the earlier one.
    await session.execute(
        text(
            "INSERT INTO reporting.worked_hours (project_id, member_id, day, hours) VALUES (:p, :m, :d, :h) "
            "ON CONFLICT (project_id, member_id, day) DO UPDATE SET hours = EXCLUDED.hours"
        ),
        {"p": p.project_id, "m": p.member_id, "d": p.day, "h": round(p.hours, 2)},
    )
    if ctx.live:
        # Appointments per hour can only be judged once today's hours are logged.
        from anken_reporting.alerts.service import evaluate_member_pace

        await evaluate_member_pace(session, p.project_id, p.member_id, p.day, ctx)


@projection(EventType.contract_change_recorded)
async def apply_contract_change(session: AsyncSession, envelope: EventEnvelope, p: ContractChangePayload, ctx: ApplyContext) -> None:
    await session.execute(
        text(
            "INSERT INTO reporting.contract_changes (id, project_id, client_id, kind, effective_date, term_end_date, "
            "hours_before, hours_after, scope_increased) VALUES (:id, :p, :c, :kind, :eff, :term, :hb, :ha, :scope) "
            "ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, effective_date = EXCLUDED.effective_date, "
            "term_end_date = EXCLUDED.term_end_date, hours_before = EXCLUDED.hours_before, "
            "hours_after = EXCLUDED.hours_after, scope_increased = EXCLUDED.scope_increased"
        ),
        {
            "id": p.id, "p": p.project_id, "c": p.client_id, "kind": p.kind, "eff": p.effective_date,
            "term": p.term_end_date, "hb": p.hours_before, "ha": p.hours_after, "scope": p.scope_increased,
        },
    )


@projection(EventType.target_list_imported)
async def apply_target_import(session: AsyncSession, envelope: EventEnvelope, p: TargetListImportedPayload, ctx: ApplyContext) -> None:
    # The import reports the project's callable targets after it; first calls count down from there.
    await session.execute(
        text(
            "INSERT INTO reporting.target_stock (project_id, callable_at_import, first_calls_since, withdrawn_since) "
            "VALUES (:p, :n, 0, 0) ON CONFLICT (project_id) DO UPDATE SET "
            "callable_at_import = EXCLUDED.callable_at_import, first_calls_since = 0, withdrawn_since = 0"
        ),
        {"p": p.project_id, "n": p.callable_targets},
    )


# The statuses an import counts as callable (TargetListImportedPayload.callable_targets).
CALLABLE_STATUSES = frozenset({"new", "callback"})


@projection(EventType.target_updated)
async def apply_target_status(session: AsyncSession, envelope: EventEnvelope, p: TargetPayload, ctx: ApplyContext) -> None:
    # A callable target put on do-not-call (or excluded) leaves the stock; one made callable again returns.
    if p.previous_status is None:
        return  # events from before the payload carried it: nothing to account
    delta = (p.previous_status in CALLABLE_STATUSES) - (p.status in CALLABLE_STATUSES)
    if delta:
        await session.execute(
            text("UPDATE reporting.target_stock SET withdrawn_since = withdrawn_since + :d WHERE project_id = :p"),
            {"d": delta, "p": p.project_id},
        )


@projection(EventType.appointment_set, EventType.appointment_updated)
async def apply_appointment(session: AsyncSession, envelope: EventEnvelope, p: AppointmentPayload, ctx: ApplyContext) -> None:
    """One row per appointment, its latest state: a reschedule or a corrected outcome replaces the row, and an
    event older than the one the row holds (by outbox sequence, e.g. one a consumer took over late) is ignored."""
    tz = await project_timezone(session, p.project_id)
    await session.execute(
        text(
            "INSERT INTO reporting.appointments (id, project_id, client_id, member_id, set_day, meeting_at, "
            "handoff_status, partner_outcome, deal_id, deal_amount, deal_won, sequence) VALUES (:id, :p, :c, :m, :day, "
            ":meeting, :handoff, :outcome, :deal, :amount, :won, :seq) ON CONFLICT (id) DO UPDATE SET "
            "member_id = EXCLUDED.member_id, "
            "set_day = EXCLUDED.set_day, meeting_at = EXCLUDED.meeting_at, handoff_status = EXCLUDED.handoff_status, "
            "partner_outcome = EXCLUDED.partner_outcome, deal_id = EXCLUDED.deal_id, "
            "deal_amount = EXCLUDED.deal_amount, deal_won = EXCLUDED.deal_won, "
            f"{newer_events_only('appointments')}"
        ),
        {
            "id": p.id, "p": p.project_id, "c": p.client_id, "m": p.member_id, "day": local_day(p.set_at, tz),
            "meeting": p.meeting_at, "handoff": p.handoff_status, "outcome": p.partner_outcome, "deal": p.deal_id,
            "amount": p.deal_amount, "won": p.deal_won, "seq": envelope.sequence or 0,
        },
    )


@projection(EventType.call_logged, EventType.call_updated, EventType.call_deleted)
async def apply_call(session: AsyncSession, envelope: EventEnvelope, p: CallPayload, ctx: ApplyContext) -> None:
    """Move the call's contribution from what was applied before (call_states) to its new snapshot:
    the set {old state: -1, new state: +1} through call_effects.apply_contributions.

    Using the stored state rather than trusting `previous` keeps the rollups exact when events
    arrive out of order: a `call.updated` seen before its `call.logged` simply adds the new
    snapshot, and the late `call.logged` (lower sequence) is then ignored.
    """
    old = (
        await session.execute(
            text(f"SELECT {', '.join(FACTS)}, sequence, deleted FROM reporting.call_states WHERE call_id = :id FOR UPDATE"),
            {"id": p.id},
        )
    ).first()
    if old is not None and envelope.sequence and old.sequence and envelope.sequence <= old.sequence:
        return
    deleted = envelope.type == EventType.call_deleted
    facts = call_facts(p, await project_timezone(session, p.project_id))
    contributions: list[tuple[Facts, int]] = []
    if old is not None and not old.deleted:
        contributions.append((tuple(old)[:len(FACTS)], -1))
    if not deleted:
        contributions.append((facts, +1))
    await apply_contributions(session, contributions)
    await write_states(session, [(p.id, envelope.sequence, *facts, deleted)])
    if ctx.live and envelope.type == EventType.call_logged:
        from anken_reporting.alerts.service import evaluate_member_pace

        await evaluate_member_pace(session, p.project_id, p.member_id, facts[2], ctx)
