"""Who may see and manage which project: projects-api's adapter over the one rule in anken_common.access.

- admin (and service tokens): every project;
- director: the projects they direct (others answer 404);
- manager: reads every project, manages none;
- member: only projects they are assigned to (others answer 404), manages none;
- partner API key: only projects of its client, and only with the needed scope.

Projects a principal may not see answer 404 rather than 403, so their existence is not leaked.
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_common import access as rule
from anken_common.auth_tokens import Role
from anken_common.problems import Forbidden, NotFound
from anken_common.sql_fragments import condition_sql
from anken_projects.auth.principal import Principal
from anken_projects.auth.scopes import Scope
from anken_projects.kit.models import table_of
from anken_projects.projects.models import Assignment, Project


def project_columns(projects: type[Project] | sa.FromClause) -> rule.ProjectColumns:
    """projects-api's projects table (the ORM class, or a Core alias such as PROJECTS_P) in the shape
    the shared rule's SQL builders take."""
    cols: Any = projects.c if isinstance(projects, sa.FromClause) else projects
    return rule.ProjectColumns(
        id=cols.id, client_id=cols.client_id, director_id=cols.director_id,
        assigned=lambda member_id: cols.id.in_(
            sa.select(col(Assignment.project_id)).where(col(Assignment.member_id) == member_id)),
    )


PROJECTS = project_columns(Project)
# projects.projects as `p`, the name the hand-written one-statement paths give it.
PROJECTS_P = table_of(Project).alias("p")


_ANY_ID = uuid.UUID(int=1)  # the caller's id is a statement parameter in the SQL, not this value


@dataclass(frozen=True)
class _CallerKind:
    kind: str
    role: Role | None
    id: uuid.UUID = _ANY_ID


@functools.cache
def _visibility_sql(kind: str, role: Role | None, me: str) -> str:
    clause = rule.project_visibility_clause(_CallerKind(kind, role), project_columns(PROJECTS_P),
                                            me=sa.literal_column(me))
    return condition_sql(clause, PROJECTS_P)


def visibility_sql(principal: Principal, me: str) -> str:
    """visibility_clause as SQL text over `projects.projects p`, for a statement kept as text: `me` is
    the statement's parameter holding the principal's id (e.g. "$2"). Users and services only (a
    partner key's clause carries its client, not a parameter). One text per kind of principal."""
    if principal.is_partner:
        raise ValueError("the one-statement paths serve users and services, not partner keys")
    return _visibility_sql(principal.kind, principal.role, me)


def sees_project(principal: Principal, director_id: uuid.UUID | None, principal_assigned: bool) -> bool:
    """visibility_clause's rule for users and services, decided in Python by the shared rule, for hot paths
    that read the project's director and the principal's assignment in their own statement (partner keys
    are never visible this way)."""
    if principal.is_partner:
        return False
    return rule.may_see_project(principal, client_id=None, director_id=director_id, assigned=principal_assigned)


def visibility_clause(
    principal: Principal, project_id_column: sa.SQLColumnExpression[Any] | None = None
) -> sa.ColumnElement[bool]:
    """A WHERE clause limiting `project_id_column` (default Project.id) to the projects the principal sees.

    Use it on any table carrying a project_id, e.g. `Appointment.project_id`.
    """
    if project_id_column is None:
        return rule.project_visibility_clause(principal, PROJECTS)
    return rule.visible_project_ids_clause(principal, project_id_column, PROJECTS)


def managed_clients_clause(principal: Principal, client_id_column: sa.SQLColumnExpression[Any]) -> sa.ColumnElement[bool]:
    """A WHERE clause limiting `client_id_column` to the clients the principal may manage."""
    return rule.managed_clients_clause(principal, client_id_column, PROJECTS)


def readable_clients_clause(principal: Principal, client_id_column: sa.SQLColumnExpression[Any]) -> sa.ColumnElement[bool]:
    """A WHERE clause limiting `client_id_column` to the clients the principal may read."""
    return rule.readable_clients_clause(principal, client_id_column, PROJECTS)


async def directs_a_project_of(session: AsyncSession, principal: Principal, client_id: uuid.UUID) -> bool:
    """The fact the client rule needs: the principal directs at least one project of the client."""
    me = rule.as_uuid(principal.id)
    if not principal.is_user or me is None:
        return False
    found = await session.scalar(
        sa.select(col(Project.id)).where(col(Project.client_id) == client_id, col(Project.director_id) == me).limit(1))
    return found is not None


def accessible_projects_query(principal: Principal) -> sa.Select[Project]:
    """SELECT of the projects the principal may see; add filters, sort and pagination to it."""
    return sa.select(Project).where(visibility_clause(principal))


def can_manage(principal: Principal, project: Project) -> bool:
    """Whether the principal may change the project's settings, lifecycle, scripts and assignments."""
    return rule.may_manage_project(principal, director_id=project.director_id)


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
    if not rule.partner_has_scope(principal, scope):
        raise Forbidden(f"this API key lacks the scope {scope}", required_scope=str(scope))
    statement = sa.select(Project).where(col(Project.id) == project_id, visibility_clause(principal))
    if for_update:
        statement = statement.with_for_update()
    project = (await session.execute(statement)).scalar_one_or_none()
    if project is None:
        raise NotFound("project")
    if manage and not can_manage(principal, project):
        raise Forbidden("only an admin or the project's director may change this project")
    return project
