"""Who may see and change what of an appointment (built on anken_common.access).

- Reading: the appointments of the projects the caller sees; the client's people (partner keys, client users)
  only those of their own client. The member who set an appointment (id and name) is shown to the client's
  people only where the project allows it (`client_sees_member_names`, anken_common.access.may_see_member_names).
- Changing: partner keys (scope write:appointment_outcomes, checked on read), client users of the appointment's
  client, managers, and the project's director (admins); not the member who set it. A client user reports the
  client-side feedback only (`CLIENT_USER_FIELDS`): any other field sent with a value is 422 naming it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_common import access as rule
from anken_common.auth_tokens import Role
from anken_common.problems import Forbidden, UnprocessableEntity
from anken_projects.appointments.models import Appointment
from anken_projects.appointments.schemas import AppointmentOut, AppointmentUpdate
from anken_projects.auth.principal import Principal
from anken_projects.kit.models import table_of
from anken_projects.projects.access import can_manage, visibility_clause
from anken_projects.projects.models import Project
from anken_projects.users.models import User

# What a client user may report on an appointment of their client: the hand-off (held, no_show, rescheduled
# with the new meeting_at, cancelled), the outcome with its reason, and the client's deal.
CLIENT_USER_FIELDS: frozenset[str] = frozenset(
    {"handoff_status", "meeting_at", "partner_outcome", "unqualified_reason", "deal"})


def visible_clause(principal: Principal) -> sa.ColumnElement[bool]:
    """WHERE clause over appointments: those of the projects the principal sees, and of its own client only
    when it is the client's (partner key, client user)."""
    clause = visibility_clause(principal, table_of(Appointment).c.project_id)
    if rule.is_partner(principal) or rule.is_client_user(principal):
        own = rule.tenant_of(principal)
        return sa.and_(clause, col(Appointment.client_id) == own) if own is not None else sa.false()
    return clause


async def check_writer(session: AsyncSession, principal: Principal, appointment: Appointment,
                       body: AppointmentUpdate) -> Project:
    """The appointment's project when the principal may make this change (the appointment was read through
    `visible_clause`, so a partner key or client user is of its client); 403 or 422 otherwise."""
    project = await session.get(Project, appointment.project_id)
    assert project is not None  # appointments cascade with their project
    if principal.is_partner:
        return project
    if rule.is_client_user(principal):
        check_client_user_fields(body)
        return project
    if principal.is_user and principal.role == Role.member:
        raise Forbidden("members cannot change appointments after setting them; ask the project's director")
    if principal.is_user and principal.role == Role.manager:
        return project
    if not can_manage(principal, project):
        raise Forbidden("only an admin, a manager or the project's director may change this appointment")
    return project


def check_client_user_fields(body: AppointmentUpdate) -> None:
    """422 naming the first field a client user may not change (a field sent as null changes nothing)."""
    for name in type(body).model_fields:
        if name not in CLIENT_USER_FIELDS and name in body.model_fields_set and getattr(body, name) is not None:
            raise UnprocessableEntity(name, "a client user reports only " + ", ".join(sorted(CLIENT_USER_FIELDS)))


async def appointment_views(session: AsyncSession, principal: Principal,
                            appointments: Sequence[Appointment]) -> list[AppointmentOut]:
    """The answers for the principal: the member's id and name where it may see them, else both null."""
    allows: dict[uuid.UUID, bool] = {}
    if appointments and (rule.is_partner(principal) or rule.is_client_user(principal)):
        rows = await session.execute(
            sa.select(col(Project.id), col(Project.client_sees_member_names))
            .where(col(Project.id).in_({a.project_id for a in appointments})))
        allows = {project_id: bool(allowed) for project_id, allowed in rows.all()}
    shown = {a.id for a in appointments
             if rule.may_see_member_names(principal, project_allows=allows.get(a.project_id, False))}
    names: dict[uuid.UUID, str] = {}
    member_ids = {a.member_id for a in appointments if a.id in shown}
    if member_ids:
        named = await session.execute(sa.select(col(User.id), col(User.name)).where(col(User.id).in_(member_ids)))
        names = {member_id: name for member_id, name in named.all()}
    views = []
    for appointment in appointments:
        view = AppointmentOut.model_validate(appointment)
        if appointment.id in shown:
            view.member_name = names.get(appointment.member_id)
        else:
            view.member_id = None
        views.append(view)
    return views
