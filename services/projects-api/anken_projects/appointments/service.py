"""Appointments: listing for staff and partners, and the hand-off / outcome update."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.auth_tokens import Role
from anken_common.events import EventType
from anken_common.problems import Forbidden, NotFound, UnprocessableEntity
from anken_projects.appointments.events import appointment_payload
from anken_projects.appointments.handoff import check_handoff, check_outcome
from anken_projects.appointments.models import Appointment, HandoffStatus, PartnerOutcome
from anken_projects.appointments.schemas import AppointmentUpdate
from anken_projects.audit.writer import record_audit
from anken_projects.auth.principal import Principal
from anken_projects.auth.scopes import Scope
from anken_projects.deals.service import create_deal_from_appointment
from anken_projects.kit.etag import bump_version
from anken_projects.kit.models import utc_now
from anken_projects.kit.pagination import PageResult, paginate
from anken_projects.kit.snapshot import snapshot
from anken_projects.outbox.writer import record_event
from anken_projects.projects.access import can_manage, visibility_clause
from anken_projects.projects.models import Project


def _require_scope(principal: Principal, scope: Scope) -> None:
    if principal.is_partner and scope not in principal.scopes:
        raise Forbidden(f"this API key lacks the scope {scope}", required_scope=str(scope))


async def list_appointments(
    session: AsyncSession, principal: Principal, *, project_id: uuid.UUID | None, status: HandoffStatus | None,
    outcome: PartnerOutcome | None, from_: datetime | None, to: datetime | None, cursor: str | None, limit: int,
) -> PageResult[Appointment]:
    """Appointments the principal may see, oldest `set_at` first; `from` inclusive, `to` exclusive."""
    _require_scope(principal, Scope.read_appointments)
    statement = sa.select(Appointment).where(visibility_clause(principal, Appointment.project_id))
    if principal.is_partner:
        statement = statement.where(Appointment.client_id == principal.client_id)
    if project_id is not None:
        statement = statement.where(Appointment.project_id == project_id)
    if status is not None:
        statement = statement.where(Appointment.handoff_status == status)
    if outcome is not None:
        statement = statement.where(Appointment.partner_outcome == outcome)
    if from_ is not None:
        statement = statement.where(Appointment.set_at >= from_)
    if to is not None:
        statement = statement.where(Appointment.set_at < to)
    return await paginate(session, statement, (Appointment.set_at, Appointment.id), cursor=cursor, limit=limit)


async def get_appointment(
    session: AsyncSession, principal: Principal, appointment_id: uuid.UUID, *, scope: Scope, for_update: bool = False
) -> Appointment:
    _require_scope(principal, scope)
    statement = sa.select(Appointment).where(
        Appointment.id == appointment_id, visibility_clause(principal, Appointment.project_id)
    )
    if principal.is_partner:
        statement = statement.where(Appointment.client_id == principal.client_id)
    if for_update:
        statement = statement.with_for_update()
    appointment = (await session.execute(statement)).scalar_one_or_none()
    if appointment is None:
        raise NotFound("appointment")
    return appointment


async def _check_writer(session: AsyncSession, principal: Principal, appointment: Appointment,
                        body: AppointmentUpdate) -> Project:
    project = await session.get(Project, appointment.project_id)
    assert project is not None  # appointments cascade with their project
    if principal.is_partner:
        if body.meeting_at is not None:
            raise Forbidden("partners report outcomes; ask the agency to reschedule a meeting")
        return project
    if principal.is_user and principal.role == Role.member:
        raise Forbidden("members cannot change appointments after setting them; ask the project's director")
    if principal.is_user and principal.role == Role.manager:
        return project
    if not can_manage(principal, project):
        raise Forbidden("only an admin, a manager or the project's director may change this appointment")
    return project


async def update_appointment(
    session: AsyncSession, principal: Principal, appointment: Appointment, body: AppointmentUpdate
) -> Appointment:
    project = await _check_writer(session, principal, appointment, body)
    before = snapshot(appointment)
    status = HandoffStatus(appointment.handoff_status)
    if body.handoff_status is not None:
        check_handoff(status, body.handoff_status)
        status = body.handoff_status
    current_outcome = PartnerOutcome(appointment.partner_outcome) if appointment.partner_outcome else None
    check_outcome(status, body.partner_outcome, body.deal is not None, current_outcome)
    if body.meeting_at is not None:
        if status != HandoffStatus.set:
            raise UnprocessableEntity("meeting_at", "only a meeting still `set` can be rescheduled")
        if body.meeting_at < utc_now():
            raise UnprocessableEntity("meeting_at", "must not be in the past")
        appointment.meeting_at = body.meeting_at
    appointment.handoff_status = status
    if body.partner_outcome is not None:
        appointment.partner_outcome = body.partner_outcome
        if body.partner_outcome == PartnerOutcome.unqualified and appointment.deal_id is not None:
            raise UnprocessableEntity("partner_outcome", "the appointment already became a deal")
    if body.note is not None:
        appointment.note = body.note
    deal_won: bool | None = None
    if body.deal is not None:
        deal_won = await _record_deal(session, principal, project, appointment, body)
    bump_version(appointment)
    await session.flush()
    record_event(session, EventType.appointment_updated, aggregate_type="appointment", aggregate_id=appointment.id,
                 tenant=appointment.client_id, payload=appointment_payload(appointment, deal_won=deal_won))
    record_audit(session, principal, "appointment.updated", "appointment", appointment.id,
                 before=before, after=snapshot(appointment))
    return appointment


async def _record_deal(session: AsyncSession, principal: Principal, project: Project, appointment: Appointment,
                       body: AppointmentUpdate) -> bool | None:
    """Create (or update) the deal through the deals domain, in this transaction."""
    assert body.deal is not None
    if project.director_id is None:
        raise UnprocessableEntity("deal", "the project has no director to own the deal")
    deal = await create_deal_from_appointment(
        session, appointment_id=appointment.id, client_id=appointment.client_id, account_name=appointment.company_name,
        owner_id=project.director_id, amount=body.deal.amount, stage_name_or_id=body.deal.stage, principal=principal,
    )
    appointment.deal_id = deal.id
    appointment.deal_amount = deal.amount
    appointment.deal_stage = body.deal.stage
    status = getattr(deal, "status", None)
    return None if status is None else str(status) == "won"
