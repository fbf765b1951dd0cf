"""Which projects and sales figures a principal may see: reporting-api's adapter over the one rule
in anken_common.access, with the facts read from the read models. Anything else is a 404."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common import access as rule
from anken_common.problems import Forbidden, NotFound
from anken_reporting.auth.principal import Principal
from anken_reporting.kpis.repository import ProjectRow, get_project
from anken_reporting.readmodels.models import assignments

SALES_RULE = (
    "Admins and managers read every owner's figures (no `owner_id`: everyone together); a director reads only "
    "their own: without `owner_id` they get theirs, and another owner's id answers 404."
)


async def is_assigned(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> bool:
    query = sa.select(sa.literal(1)).where(
        assignments.c.project_id == project_id, assignments.c.member_id == rule.as_uuid(principal.id),
        assignments.c.active,
    ).limit(1)
    assigned = (await session.execute(query)).first()
    return assigned is not None


async def can_see_project(session: AsyncSession, principal: Principal, project: ProjectRow) -> bool:
    assigned = rule.assignment_decides(principal) and await is_assigned(session, principal, project["id"])
    return rule.may_see_project(
        principal, client_id=project["client_id"], director_id=project["director_id"], assigned=assigned,
    )


async def visible_project(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> ProjectRow:
    """The project's read-model row, or NotFound when it is unknown or not the principal's."""
    project = await get_project(session, project_id)
    if project is None or not await can_see_project(session, principal, project):
        raise NotFound("project")
    return project


async def filter_visible(session: AsyncSession, principal: Principal, projects: list[ProjectRow]) -> list[ProjectRow]:
    return [p for p in projects if await can_see_project(session, principal, p)]


def sales_owner(principal: Principal, owner_id: uuid.UUID | None) -> uuid.UUID | None:
    """The owner whose pipeline, forecast or snapshots the principal gets for the `owner_id` it asked
    (None: every owner). A director who names nobody gets their own; naming another owner is a 404."""
    wanted = owner_id if owner_id is not None else rule.default_sales_owner(principal)
    if not rule.may_read_sales(principal, wanted):
        raise NotFound("owner")
    return wanted


async def managed_project(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> ProjectRow:
    """The project's read-model row when the principal may change what belongs to it (write and publish its
    weekly report): 404 when it may not see it, 403 when it sees but does not manage it (a manager)."""
    project = await visible_project(session, principal, project_id)
    if not rule.may_manage_project(principal, director_id=project["director_id"]):
        raise Forbidden("only an admin or the project's director may change this project's reports")
    return project


MEMBER_GROUPING_RULE = (
    "group_by=member names the members: the client's people (client users, partner keys) may ask for it only "
    "when the project lets its client see member names (client_sees_member_names)"
)


def shows_member_names(principal: Principal, project: ProjectRow) -> bool:
    """Whether the caller may see the project's members by name (anken_common.access.may_see_member_names)."""
    return rule.may_see_member_names(principal, project_allows=bool(project["client_sees_member_names"]))


def check_member_grouping(principal: Principal, project: ProjectRow, per_member: bool) -> None:
    """Per-member figures name the members: refused (403 naming group_by) to whom the project hides them."""
    if per_member and not shows_member_names(principal, project):
        raise Forbidden(MEMBER_GROUPING_RULE, field="group_by")
