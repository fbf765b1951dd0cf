"""Queries on projects and their kickoff items and contract changes (visibility lives in access.py)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_projects.auth.principal import Principal
from anken_projects.kit.pagination import PageResult, paginate
from anken_projects.kit.text_search import contains
from anken_projects.projects.access import accessible_projects_query
from anken_projects.projects.models import ContractChange, ContractChangeKind, KickoffItem, Project, ProjectStatus


async def page_projects(
    session: AsyncSession, principal: Principal, *, status: ProjectStatus | None, director_id: uuid.UUID | None,
    client_id: uuid.UUID | None, q: str | None, cursor: str | None, limit: int,
) -> PageResult[Project]:
    statement = accessible_projects_query(principal)
    if status:
        statement = statement.where(col(Project.status) == status)
    if director_id:
        statement = statement.where(col(Project.director_id) == director_id)
    if client_id:
        statement = statement.where(col(Project.client_id) == client_id)
    if q:
        statement = statement.where(sa.or_(contains(col(Project.name), q), contains(col(Project.product), q)))
    return await paginate(session, statement, (col(Project.created_at), col(Project.id)), cursor=cursor, limit=limit)


async def kickoff_items(session: AsyncSession, project_id: uuid.UUID) -> list[KickoffItem]:
    statement = sa.select(KickoffItem).where(col(KickoffItem.project_id) == project_id).order_by(
        col(KickoffItem.position), col(KickoffItem.key)
    )
    return list((await session.execute(statement)).scalars().all())


async def last_kickoff_position(session: AsyncSession, project_id: uuid.UUID) -> int:
    statement = sa.select(sa.func.coalesce(sa.func.max(KickoffItem.position), 0)).where(
        col(KickoffItem.project_id) == project_id
    )
    return int((await session.execute(statement)).scalar_one())


async def kickoff_item_for_update(session: AsyncSession, project_id: uuid.UUID, key: str) -> KickoffItem | None:
    statement = sa.select(KickoffItem).where(col(KickoffItem.project_id) == project_id, col(KickoffItem.key) == key)
    return (await session.execute(statement.with_for_update())).scalar_one_or_none()


async def page_contract_changes(
    session: AsyncSession, project_id: uuid.UUID, *, kind: ContractChangeKind | None, cursor: str | None, limit: int
) -> PageResult[ContractChange]:
    statement = sa.select(ContractChange).where(col(ContractChange.project_id) == project_id)
    if kind:
        statement = statement.where(col(ContractChange.kind) == kind)
    return await paginate(session, statement, (col(ContractChange.created_at), col(ContractChange.id)), cursor=cursor, limit=limit)
