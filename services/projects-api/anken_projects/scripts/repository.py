"""Queries on scripts and their versions."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_projects.kit.pagination import PageResult, paginate
from anken_projects.scripts.models import Script, ScriptVersion


async def find_script(session: AsyncSession, project_id: uuid.UUID, script_id: uuid.UUID, *,
                      for_update: bool = False) -> Script | None:
    statement = sa.select(Script).where(col(Script.id) == script_id, col(Script.project_id) == project_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def latest_version_number(session: AsyncSession, script_id: uuid.UUID) -> int:
    statement = sa.select(sa.func.max(ScriptVersion.version)).where(col(ScriptVersion.script_id) == script_id)
    return (await session.execute(statement)).scalar_one() or 0


async def find_version(session: AsyncSession, script_id: uuid.UUID, number: int) -> ScriptVersion | None:
    statement = sa.select(ScriptVersion).where(col(ScriptVersion.script_id) == script_id, col(ScriptVersion.version) == number)
    return (await session.execute(statement)).scalar_one_or_none()


async def active_version_number(session: AsyncSession, script_id: uuid.UUID) -> int | None:
    statement = sa.select(col(ScriptVersion.version)).where(col(ScriptVersion.script_id) == script_id, col(ScriptVersion.is_active))
    return (await session.execute(statement)).scalar_one_or_none()


async def deactivate_versions(session: AsyncSession, script_id: uuid.UUID) -> None:
    statement = sa.update(ScriptVersion).where(col(ScriptVersion.script_id) == script_id, col(ScriptVersion.is_active))
    await session.execute(statement.values(is_active=False))


async def scripts_with_active_version(session: AsyncSession, project_id: uuid.UUID) -> list[tuple[Script, ScriptVersion | None]]:
    statement = (
        sa.select(Script, ScriptVersion)
        .outerjoin(ScriptVersion, sa.and_(col(ScriptVersion.script_id) == col(Script.id), col(ScriptVersion.is_active)))
        .where(col(Script.project_id) == project_id)
        .order_by(col(Script.pattern), col(Script.industry).nulls_first(), col(Script.id))
    )
    return [(row[0], row[1]) for row in (await session.execute(statement)).all()]


async def page_versions(session: AsyncSession, script_id: uuid.UUID, *, cursor: str | None,
                        limit: int) -> PageResult[ScriptVersion]:
    statement = sa.select(ScriptVersion).where(col(ScriptVersion.script_id) == script_id)
    return await paginate(session, statement, (col(ScriptVersion.version),), cursor=cursor, limit=limit, descending=True)
