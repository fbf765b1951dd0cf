"""Assignments of members to projects (planned hours) and the hours they worked per day."""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from fastapi import Request
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.auth_tokens import Role
from anken_common.event_payloads import AssignmentPayload, WorkedHoursPayload
from anken_common.events import EventType
from anken_common.problems import Conflict, Forbidden, NotFound, UnprocessableEntity
from anken_projects.assignments.models import Assignment, WorkedHours
from anken_projects.assignments.schemas import AssignmentCreate, AssignmentUpdate, WorkedHoursPut
from anken_projects.audit.writer import record_audit
from anken_projects.auth.principal import Principal
from anken_projects.kit.etag import bump_version, check_if_match
from anken_projects.kit.models import utc_now
from anken_projects.kit.pagination import PageResult, paginate
from anken_projects.kit.snapshot import snapshot
from anken_projects.outbox.writer import record_event
from anken_projects.projects.access import can_manage
from anken_projects.projects.models import Project
from anken_projects.users.models import User

ASSIGNABLE_ROLES = (Role.member, Role.director)


def _publish(session: AsyncSession, project: Project, assignment: Assignment, member_name: str | None,
             type_: EventType) -> None:
    payload = AssignmentPayload(
        id=assignment.id, project_id=assignment.project_id, member_id=assignment.member_id, member_name=member_name,
        planned_hours=assignment.planned_hours,
    ).model_dump(mode="json")
    record_event(session, type_, aggregate_type="project", aggregate_id=project.id, tenant=project.client_id,
                 payload=payload)


async def _member_name(session: AsyncSession, member_id: uuid.UUID) -> str | None:
    user = await session.get(User, member_id)
    return user.name if user else None


async def create_assignment(session: AsyncSession, principal: Principal, project: Project, body: AssignmentCreate) -> Assignment:
    member = await session.get(User, body.member_id)
    if member is None or not member.is_active or member.role not in ASSIGNABLE_ROLES:
        raise UnprocessableEntity("member_id", "is not an active member")
    assignment = Assignment(project_id=project.id, member_id=body.member_id, planned_hours=body.planned_hours)
    try:
        async with session.begin_nested():
            session.add(assignment)
    except IntegrityError:
        raise Conflict("this member is already assigned to the project", field="member_id") from None
    record_audit(session, principal, "assignment.create", "assignment", assignment.id, after=snapshot(assignment))
    _publish(session, project, assignment, member.name, EventType.assignment_created)
    return assignment


async def get_assignment(session: AsyncSession, project: Project, assignment_id: uuid.UUID) -> Assignment:
    assignment = (await session.execute(
        sa.select(Assignment).where(Assignment.id == assignment_id, Assignment.project_id == project.id).with_for_update()
    )).scalar_one_or_none()
    if assignment is None:
        raise NotFound("assignment")
    return assignment


async def list_assignments(
    session: AsyncSession, project: Project, *, member_id: uuid.UUID | None, cursor: str | None, limit: int
) -> PageResult[Assignment]:
    statement = sa.select(Assignment).where(Assignment.project_id == project.id)
    if member_id:
        statement = statement.where(Assignment.member_id == member_id)
    return await paginate(session, statement, (Assignment.created_at, Assignment.id), cursor=cursor, limit=limit)


async def member_names(session: AsyncSession, member_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not member_ids:
        return {}
    rows = await session.execute(sa.select(User.id, User.name).where(User.id.in_(member_ids)))
    return {row.id: row.name for row in rows}


async def update_assignment(
    session: AsyncSession, principal: Principal, request: Request, project: Project, assignment_id: uuid.UUID,
    body: AssignmentUpdate,
) -> Assignment:
    assignment = await get_assignment(session, project, assignment_id)
    check_if_match(request, assignment.version)
    before = snapshot(assignment)
    assignment.planned_hours = body.planned_hours
    bump_version(assignment)
    await session.flush()
    record_audit(session, principal, "assignment.update", "assignment", assignment.id, before=before,
                 after=snapshot(assignment))
    _publish(session, project, assignment, await _member_name(session, assignment.member_id), EventType.assignment_updated)
    return assignment


async def delete_assignment(
    session: AsyncSession, principal: Principal, request: Request, project: Project, assignment_id: uuid.UUID
) -> None:
    assignment = await get_assignment(session, project, assignment_id)
    check_if_match(request, assignment.version)
    before = snapshot(assignment)
    await session.delete(assignment)
    await session.flush()
    record_audit(session, principal, "assignment.delete", "assignment", assignment_id, before=before)
    _publish(session, project, assignment, await _member_name(session, assignment.member_id), EventType.assignment_deleted)


async def _is_assigned(session: AsyncSession, project_id: uuid.UUID, member_id: uuid.UUID) -> bool:
    statement = sa.select(Assignment.id).where(Assignment.project_id == project_id, Assignment.member_id == member_id)
    return (await session.execute(statement)).first() is not None


async def put_worked_hours(
    session: AsyncSession, principal: Principal, project: Project, member_id: uuid.UUID, day: date, body: WorkedHoursPut
) -> WorkedHours:
    """Set (not add to) the member's hours for the day; a member may log only their own hours."""
    if not can_manage(principal, project) and principal.id != member_id:
        raise Forbidden("members log only their own hours")
    if not await _is_assigned(session, project.id, member_id):
        raise UnprocessableEntity("member_id", "is not assigned to this project")
    previous = (await session.execute(
        sa.select(WorkedHours).where(WorkedHours.project_id == project.id, WorkedHours.member_id == member_id,
                                     WorkedHours.day == day)
    )).scalar_one_or_none()
    before = snapshot(previous) if previous else None
    # An upsert keeps two concurrent PUTs for the same day from colliding on the unique key.
    statement = insert(WorkedHours).values(
        id=uuid.uuid4(), project_id=project.id, member_id=member_id, day=day, hours=body.hours,
    ).on_conflict_do_update(
        constraint="uq_worked_hours_project_member_day",
        set_={"hours": body.hours, "updated_at": utc_now(), "version": WorkedHours.version + 1},
    ).returning(WorkedHours.id)
    row_id = (await session.execute(statement)).scalar_one()
    row = (await session.execute(
        sa.select(WorkedHours).where(WorkedHours.id == row_id).execution_options(populate_existing=True)
    )).scalar_one()
    record_audit(session, principal, "worked_hours.put", "worked_hours", row.id, before=before, after=snapshot(row))
    payload = WorkedHoursPayload(project_id=project.id, member_id=member_id, day=day, hours=float(row.hours))
    record_event(session, EventType.worked_hours_logged, aggregate_type="project", aggregate_id=project.id,
                 tenant=project.client_id, payload=payload.model_dump(mode="json"))
    return row


async def list_worked_hours(
    session: AsyncSession, principal: Principal, project: Project, *, member_id: uuid.UUID | None,
    day_from: date | None, day_to: date | None, cursor: str | None, limit: int,
) -> PageResult[WorkedHours]:
    statement = sa.select(WorkedHours).where(WorkedHours.project_id == project.id)
    if principal.is_user and principal.role == Role.member:
        statement = statement.where(WorkedHours.member_id == principal.id)
    if member_id:
        statement = statement.where(WorkedHours.member_id == member_id)
    if day_from:
        statement = statement.where(WorkedHours.day >= day_from)
    if day_to:
        statement = statement.where(WorkedHours.day < day_to)
    return await paginate(session, statement, (WorkedHours.day, WorkedHours.id), cursor=cursor, limit=limit)
