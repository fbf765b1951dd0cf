"""Projects: create (with the default kickoff checklist), list, read, update."""

from __future__ import annotations

import uuid

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.auth_tokens import Role
from anken_common.events import EventType
from anken_common.problems import Forbidden, UnprocessableEntity
from anken_projects.audit.writer import record_audit
from anken_projects.auth.principal import Principal
from anken_projects.clients.models import Client
from anken_projects.kit.etag import bump_version, check_if_match
from anken_projects.kit.pagination import PageResult
from anken_projects.kit.snapshot import snapshot
from anken_projects.projects import kickoff, repository
from anken_projects.projects.access import directs_a_project_of, get_accessible_project
from anken_projects.projects.models import Project, ProjectStatus
from anken_projects.projects.payloads import publish_project
from anken_projects.projects.schemas import ProjectCreate, ProjectUpdate
from anken_projects.users.models import User

DIRECTOR_ROLES = (Role.director, Role.admin)


async def _check_director(session: AsyncSession, director_id: uuid.UUID) -> None:
    user = await session.get(User, director_id)
    if user is None or not user.is_active or user.role not in DIRECTOR_ROLES:
        raise UnprocessableEntity("director_id", "is not an active director")


async def create_project(session: AsyncSession, principal: Principal, body: ProjectCreate) -> Project:
    if principal.is_user and principal.role == Role.director:
        if body.director_id not in (None, principal.id):
            raise Forbidden("a director creates projects they direct themselves")
        body = body.model_copy(update={"director_id": principal.id})
    if await session.get(Client, body.client_id) is None:
        raise UnprocessableEntity("client_id", "no such client")
    if principal.is_user and principal.role == Role.director and not await directs_a_project_of(
        session, principal, body.client_id
    ):
        # A new project would make the director a manager of the client's webhooks and settings:
        # an admin opens a client's first project for a director (same answer as an unknown client).
        raise UnprocessableEntity("client_id", "no such client")
    if body.director_id is not None:
        await _check_director(session, body.director_id)
    data = body.model_dump()
    data["extra_closed_days"] = sorted({d.isoformat() for d in body.extra_closed_days})
    project = Project(**data, status=ProjectStatus.draft)
    session.add(project)
    await session.flush()
    kickoff.add_default_items(session, project)
    await session.flush()
    record_audit(session, principal, "project.create", "project", project.id, after=snapshot(project))
    await publish_project(session, project, EventType.project_created)
    return project


async def list_projects(
    session: AsyncSession, principal: Principal, *, status: ProjectStatus | None, director_id: uuid.UUID | None,
    client_id: uuid.UUID | None, q: str | None, cursor: str | None, limit: int,
) -> PageResult[Project]:
    return await repository.page_projects(session, principal, status=status, director_id=director_id,
                                          client_id=client_id, q=q, cursor=cursor, limit=limit)


async def update_project(
    session: AsyncSession, principal: Principal, request: Request, project_id: uuid.UUID, body: ProjectUpdate
) -> Project:
    project = await get_accessible_project(session, principal, project_id, manage=True, for_update=True)
    check_if_match(request, project.version)
    changes = body.model_dump(exclude_unset=True)
    # Fields that cannot be cleared: an explicit null means "leave as is".
    for field in ("name", "timezone", "monthly_appointment_target", "contracted_monthly_hours",
                  "qualification_fields", "extra_closed_days"):
        if field in changes and changes[field] is None:
            changes.pop(field)
    if "director_id" in changes and changes["director_id"] != project.director_id:
        if not (principal.is_admin or principal.kind == "service"):
            raise Forbidden("only an admin may hand a project to another director")
        if changes["director_id"] is not None:
            await _check_director(session, changes["director_id"])
    if "extra_closed_days" in changes:
        changes["extra_closed_days"] = sorted({d.isoformat() for d in body.extra_closed_days or []})
    start = changes.get("contract_start", project.contract_start)
    end = changes.get("contract_end", project.contract_end)
    if start and end and end < start:
        raise UnprocessableEntity("contract_end", "a contract cannot end before it starts")
    before = snapshot(project)
    for field, value in changes.items():
        setattr(project, field, value)
    bump_version(project)
    await session.flush()
    record_audit(session, principal, "project.update", "project", project.id, before=before, after=snapshot(project))
    await publish_project(session, project, EventType.project_updated)
    return project
