"""Who may see and manage which project (RBAC), in one place every domain imports.

- admin (and service tokens): every project;
- director: the projects they direct (others answer 404);
- manager: reads every project, manages none;
- member: only projects they are assigned to (others answer 404), manages none;
- partner API key: only projects of its client, and only with the needed scope.

Projects a principal may not see answer 404 rather than 403, so their existence is not leaked.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.auth_tokens import Role
from anken_common.problems import Forbidden, NotFound
from anken_projects.auth.principal import Principal
from anken_projects.auth.scopes import Scope
from anken_projects.projects.models import Assignment, Project


def _sees_everything(principal: Principal) -> bool:
    return principal.kind == "service" or (principal.is_user and principal.role in (Role.admin, Role.manager))


def sees_project(principal: Principal, director_id: uuid.UUID | None, principal_assigned: bool) -> bool:
    """visibility_clause's rule for users and services, for hot paths that read the project's director and
    the principal's assignment in their own statement (partner keys are never visible this way)."""
    if _sees_everything(principal) or (principal.is_user and principal.role == Role.admin):
        return True
    if not principal.is_user:
        return False
    if principal.role == Role.director:
        return director_id == principal.id
    return principal_assigned


def assignment_alone_shows_project(principal: Principal) -> bool:
    """Whether being assigned to a project is enough for the principal to see it, whoever directs it.

    False for a director (who sees only the projects they direct). Lets a single statement that
    also writes (next-target's lease) gate itself on visibility exactly as sees_project decides.
    """
    return sees_project(principal, None, True)


def visibility_clause(principal: Principal, project_id_column: sa.ColumnElement | None = None) -> sa.ColumnElement[bool]:
    """A WHERE clause limiting `project_id_column` (default Project.id) to the projects the principal sees.

    Use it on any table carrying a project_id, e.g. `Appointment.project_id`.
    """
    column = project_id_column if project_id_column is not None else Project.id
    if _sees_everything(principal):
        return sa.true()
    if principal.is_partner:
        owned = sa.select(Project.id).where(Project.client_id == principal.client_id)
        return column.in_(owned)
    if not principal.is_user:
        return sa.false()
    if principal.role == Role.director:
        directed = sa.select(Project.id).where(Project.director_id == principal.id)
        return column.in_(directed)
    assigned = sa.select(Assignment.project_id).where(Assignment.member_id == principal.id)
    return column.in_(assigned)


def accessible_projects_query(principal: Principal) -> sa.Select[tuple[Project]]:
    """SELECT of the projects the principal may see; add filters, sort and pagination to it."""
    return sa.select(Project).where(visibility_clause(principal))


def can_manage(principal: Principal, project: Project) -> bool:
    """Whether the principal may change the project's settings, lifecycle, scripts and assignments."""
    if principal.kind == "service" or principal.is_admin:
        return True
    return principal.is_user and principal.role == Role.director and project.director_id == principal.id


async def get_accessible_project(
    session: AsyncSession,
    principal: Principal,
    project_id: uuid.UUID,
    *,
    manage: bool = False,
    scope: str = Scope.read_projects,
    for_update: bool = False,
) -> Project:
    """The project if the principal may see it (and manage it when `manage`), else 404 / 403.

    `scope` is the scope a partner key needs for this use (default read:projects).
    `for_update` locks the row (SELECT … FOR UPDATE) for a read-modify-write.
    """
    if principal.is_partner and scope not in principal.scopes:
        raise Forbidden(f"this API key lacks the scope {scope}", required_scope=str(scope))
    statement = sa.select(Project).where(Project.id == project_id, visibility_clause(principal))
    if for_update:
        statement = statement.with_for_update()
    project = (await session.execute(statement)).scalar_one_or_none()
    if project is None:
        raise NotFound("project")
    if manage and not can_manage(principal, project):
        raise Forbidden("only an admin or the project's director may change this project")
    return project
