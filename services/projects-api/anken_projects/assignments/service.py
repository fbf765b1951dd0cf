"""Assignments of members to projects (planned hours) and the hours they worked per day."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from fastapi import Request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.auth_tokens import Role
from anken_common.event_payloads import AssignmentPayload, WorkedHoursPayload
from anken_common.events import EventType
from anken_common.problems import Conflict, Forbidden, NotFound, UnprocessableEntity
from anken_projects.assignments import repository
from anken_projects.assignments.models import Assignment, WorkedHours
from anken_projects.assignments.schemas import AssignmentCreate, AssignmentUpdate, WorkedHoursPut
from anken_projects.audit.writer import record_audit
from anken_projects.auth.principal import Principal
from anken_projects.kit.etag import bump_version, check_if_match
from anken_projects.kit.pagination import PageResult
from anken_projects.kit.snapshot import snapshot
from anken_projects.outbox.writer import record_event
from anken_projects.projects.access import can_manage
from anken_projects.projects.models import Project
from anken_projects.users import repository as users_repository
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
    assignment = await repository.assignment_for_update(session, project.id, assignment_id)
    if assignment is None:
        raise NotFound("assignment")
    return assignment


async def list_assignments(
    session: AsyncSession, project: Project, *, member_id: uuid.UUID | None, cursor: str | None, limit: int
) -> PageResult[Assignment]:
    return await repository.page_assignments(session, project.id, member_id=member_id, cursor=cursor, limit=limit)


async def member_names(session: AsyncSession, member_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    return await users_repository.names(session, member_ids)


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


async def put_worked_hours(
    session: AsyncSession, principal: Principal, project: Project, member_id: uuid.UUID, day: date, body: WorkedHoursPut
) -> WorkedHours:
    """Set (not add to) the member's hours for the day; a member may log only their own hours."""
    if not can_manage(principal, project) and principal.id != member_id:
        raise Forbidden("members log only their own hours")
    today = datetime.now(ZoneInfo(project.timezone)).date()
    if day > today:
        raise UnprocessableEntity("day", f"is in the future (today is {today.isoformat()} in {project.timezone})")
    if not await repository.is_assigned(session, project.id, member_id):
        raise UnprocessableEntity("member_id", "is not assigned to this project")
    previous = await repository.worked_hours(session, project.id, member_id, day)
    before = snapshot(previous) if previous else None
    row = await repository.upsert_worked_hours(session, project.id, member_id, day, body.hours)
    record_audit(session, principal, "worked_hours.put", "worked_hours", row.id, before=before, after=snapshot(row))
    payload = WorkedHoursPayload(project_id=project.id, member_id=member_id, day=day, hours=float(row.hours))
    record_event(session, EventType.worked_hours_logged, aggregate_type="project", aggregate_id=project.id,
                 tenant=project.client_id, payload=payload.model_dump(mode="json"))
    return row


async def list_worked_hours(
    session: AsyncSession, principal: Principal, project: Project, *, member_id: uuid.UUID | None,
    day_from: date | None, day_to: date | None, cursor: str | None, limit: int,
) -> PageResult[WorkedHours]:
    if principal.is_user and principal.role == Role.member:
        if member_id not in (None, principal.id):
            raise Forbidden("members see only their own hours")
        member_id = principal.id  # type: ignore[assignment]
    return await repository.page_worked_hours(session, project.id, member_id=member_id, day_from=day_from,
                                              day_to=day_to, cursor=cursor, limit=limit)
