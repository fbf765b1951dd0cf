"""Loading a target list or target the caller may see: through its project's RBAC (404 otherwise)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.problems import NotFound
from anken_projects.auth.principal import Principal
from anken_projects.auth.scopes import Scope
from anken_projects.projects.access import get_accessible_project
from anken_projects.projects.models import Project
from anken_projects.targets.models import Target, TargetList


async def project_for_target_writes(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> Project:
    """Lists are managed by admins and the project's director; partner keys need write:targets."""
    return await get_accessible_project(
        session, principal, project_id, manage=not principal.is_partner, scope=Scope.write_targets
    )


async def get_target_list(
    session: AsyncSession, principal: Principal, list_id: uuid.UUID, *, write: bool = False
) -> tuple[TargetList, Project]:
    target_list = await session.get(TargetList, list_id)
    if target_list is None:
        raise NotFound("target list")
    try:
        if write:
            project = await project_for_target_writes(session, principal, target_list.project_id)
        else:
            project = await get_accessible_project(session, principal, target_list.project_id)
    except NotFound:
        raise NotFound("target list") from None
    return target_list, project


async def get_target(
    session: AsyncSession, principal: Principal, target_id: uuid.UUID, *, write: bool = False, for_update: bool = False
) -> Target:
    target = await session.get(Target, target_id, with_for_update=for_update)
    if target is None:
        raise NotFound("target")
    try:
        if write:
            await project_for_target_writes(session, principal, target.project_id)
        else:
            await get_accessible_project(session, principal, target.project_id)
    except NotFound:
        raise NotFound("target") from None
    return target
