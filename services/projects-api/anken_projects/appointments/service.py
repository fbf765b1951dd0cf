"""Appointments: listing for staff and partners, and the hand-off / outcome update."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_common.events import EventType
from anken_common.problems import Forbidden, NotFound, UnprocessableEntity
from anken_projects.appointments.access import check_writer, visible_clause
from anken_projects.appointments.handoff import (
    HandoffChange,
    check_handoff,
    check_outcome,
    check_unqualified_reason,
    status_after,
)
from anken_projects.appointments.models import Appointment, HandoffStatus, PartnerOutcome
from anken_projects.appointments.payloads import appointment_change_payload, appointment_payload
from anken_projects.appointments.schemas import AppointmentUpdate
from anken_projects.audit.writer import record_audit
from anken_projects.auth.principal import Principal
from anken_projects.auth.scopes import Scope
from anken_projects.kit.etag import bump_version
from anken_projects.kit.models import utc_now
from anken_projects.kit.pagination import PageResult, paginate
from anken_projects.kit.snapshot import snapshot
from anken_projects.outbox.writer import record_event


def _require_scope(principal: Principal, scope: Scope) -> None:
    if principal.is_partner and scope not in principal.scopes:
        raise Forbidden(f"this API key lacks the scope {scope}", required_scope=str(scope))


async def list_appointments(
    session: AsyncSession, principal: Principal, *, project_id: uuid.UUID | None, status: HandoffStatus | None,
    outcome: PartnerOutcome | None, from_: datetime | None, to: datetime | None, cursor: str | None, limit: int,
    newest_first: bool = False,
) -> PageResult[Appointment]:
    """Appointments the principal may see, oldest `set_at` first (or newest first); `from` inclusive, `to`
    exclusive."""
    _require_scope(principal, Scope.read_appointments)
    statement = sa.select(Appointment).where(visible_clause(principal))
    if project_id is not None:
        statement = statement.where(col(Appointment.project_id) == project_id)
    if status is not None:
        statement = statement.where(col(Appointment.handoff_status) == status)
    if outcome is not None:
        statement = statement.where(col(Appointment.partner_outcome) == outcome)
    if from_ is not None:
        statement = statement.where(col(Appointment.set_at) >= from_)
    if to is not None:
        statement = statement.where(col(Appointment.set_at) < to)
    return await paginate(session, statement, (col(Appointment.set_at), col(Appointment.id)), cursor=cursor, limit=limit,
                          descending=newest_first)


async def get_appointment(
    session: AsyncSession, principal: Principal, appointment_id: uuid.UUID, *, scope: Scope, for_update: bool = False
) -> Appointment:
    _require_scope(principal, scope)
    statement = sa.select(Appointment).where(col(Appointment.id) == appointment_id, visible_clause(principal))
    if for_update:
        statement = statement.with_for_update()
    appointment = (await session.execute(statement)).scalar_one_or_none()
    if appointment is None:
        raise NotFound("appointment")
    return appointment


# The event of each hand-off status an appointment may come to (set comes back only by a reschedule).
STATUS_EVENTS: dict[HandoffStatus, EventType] = {
    HandoffStatus.held: EventType.appointment_held,
    HandoffStatus.no_show: EventType.appointment_no_show,
    HandoffStatus.cancelled: EventType.appointment_cancelled,
}
OUTCOME_EVENTS: dict[PartnerOutcome, EventType] = {
    PartnerOutcome.qualified: EventType.appointment_qualified,
    PartnerOutcome.unqualified: EventType.appointment_unqualified,
}


async def update_appointment(
    session: AsyncSession, principal: Principal, appointment: Appointment, body: AppointmentUpdate
) -> Appointment:
    """Apply the hand-off, the client's outcome and the client's deal; each change is its own event
    (appointment.held, .no_show, .rescheduled, .cancelled, .qualified, .unqualified, .client_deal_reported)
    naming who made it (actor_type, actor_id, actor_role), followed by appointment.updated. A body that
    changes nothing changes no version and writes no event."""
    project = await check_writer(session, principal, appointment, body)
    before = snapshot(appointment)
    current = HandoffStatus(appointment.handoff_status)
    status = current
    rescheduled = body.handoff_status == HandoffChange.rescheduled
    if body.handoff_status is not None:
        check_handoff(current, body.handoff_status)
        status = status_after(body.handoff_status)
    current_outcome = PartnerOutcome(appointment.partner_outcome) if appointment.partner_outcome else None
    check_outcome(status, body.partner_outcome, body.deal is not None, current_outcome)
    if body.meeting_at is not None:
        if status != HandoffStatus.set:
            raise UnprocessableEntity("meeting_at", "only a meeting still set (or being rescheduled) can move")
        if body.meeting_at < utc_now():
            raise UnprocessableEntity("meeting_at", "must not be in the past")
        rescheduled = rescheduled or body.meeting_at != appointment.meeting_at
    elif rescheduled:
        raise UnprocessableEntity("meeting_at", "is required when rescheduling: the new meeting time")
    outcome = body.partner_outcome or current_outcome
    reason = body.unqualified_reason
    if body.partner_outcome == PartnerOutcome.unqualified or body.unqualified_reason is not None:
        check_unqualified_reason(outcome, reason, project.unqualified_reason_list())
    if body.partner_outcome == PartnerOutcome.unqualified and appointment.deal_id is not None:
        raise UnprocessableEntity("partner_outcome", "the appointment already became a deal")

    events: list[EventType] = []
    if rescheduled and body.meeting_at is not None:  # a reschedule without a new time was refused above
        appointment.meeting_at = body.meeting_at
        appointment.rescheduled_count += 1
        events.append(EventType.appointment_rescheduled)
    if status != current:
        appointment.handoff_status = status
        if status in STATUS_EVENTS:
            events.append(STATUS_EVENTS[status])
    if body.partner_outcome is not None and (body.partner_outcome != current_outcome
                                             or reason != appointment.unqualified_reason):
        appointment.partner_outcome = body.partner_outcome
        appointment.unqualified_reason = reason if body.partner_outcome == PartnerOutcome.unqualified else None
        events.append(OUTCOME_EVENTS[body.partner_outcome])
    elif reason is not None and reason != appointment.unqualified_reason:
        appointment.unqualified_reason = reason
        events.append(EventType.appointment_unqualified)
    if body.deal is not None and (body.deal.amount != appointment.deal_amount
                                  or body.deal.stage != appointment.deal_stage):
        _record_client_deal(appointment, body)
        events.append(EventType.appointment_client_deal_reported)
    note_changed = body.note is not None and body.note != appointment.note
    if note_changed:
        appointment.note = body.note
    if not events and not note_changed:
        return appointment
    bump_version(appointment)
    appointment.updated_at = utc_now()
    await session.flush()
    for event_type in events:
        record_event(session, event_type, aggregate_type="appointment", aggregate_id=appointment.id,
                     tenant=appointment.client_id, payload=appointment_change_payload(appointment, before, principal))
    record_event(session, EventType.appointment_updated, aggregate_type="appointment", aggregate_id=appointment.id,
                 tenant=appointment.client_id, payload=appointment_payload(appointment))
    record_audit(session, principal, "appointment.updated", "appointment", appointment.id,
                 before=before, after=snapshot(appointment))
    return appointment


def _record_client_deal(appointment: Appointment, body: AppointmentUpdate) -> None:
    """The client's deal lives on the appointment (the project's outcome data): it never becomes an agency
    Deal, so it stays out of the agency's pipeline, forecast and quota attainment."""
    assert body.deal is not None
    if appointment.deal_id is None:
        appointment.deal_id = uuid.uuid4()
    appointment.deal_amount = body.deal.amount
    appointment.deal_stage = body.deal.stage
