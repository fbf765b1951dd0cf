"""Which projects a principal may see, from the read models. Anything else is a 404."""

from __future__ import annotations

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.auth_tokens import Role
from anken_common.problems import NotFound
from anken_reporting.auth.principal import Principal


async def can_see_project(session: AsyncSession, principal: Principal, project) -> bool:
    if principal.sees_everything:
        return True
    if principal.is_partner:
        return principal.client_id is not None and project["client_id"] == principal.client_id
    if principal.role == Role.director:
        return project["director_id"] == principal.id
    if principal.role == Role.member:
        assigned = (
            await session.execute(
                text("SELECT 1 FROM reporting.assignments WHERE project_id = :p AND member_id = :m AND active LIMIT 1"),
                {"p": project["id"], "m": principal.id},
            )
        ).first()
        return assigned is not None
    return False


async def visible_project(session: AsyncSession, principal: Principal, project_id: uuid.UUID):
    """The project's read-model row, or NotFound when it is unknown or not the principal's."""
    project = (
        await session.execute(text("SELECT * FROM reporting.projects WHERE id = :id"), {"id": project_id})
    ).mappings().first()
    if project is None or not await can_see_project(session, principal, project):
        raise NotFound("project")
    return project


async def filter_visible(session: AsyncSession, principal: Principal, projects: list) -> list:
    return [p for p in projects if await can_see_project(session, principal, p)]
