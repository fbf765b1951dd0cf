"""Every query on quotas."""

from __future__ import annotations

import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_projects.kit.pagination import PageResult, paginate
from anken_projects.quotas.models import Quota


async def get_quota(session: AsyncSession, quota_id: uuid.UUID, *, for_update: bool = False) -> Quota | None:
    statement = sa.select(Quota).where(col(Quota.id) == quota_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def overlapping(session: AsyncSession, owner_id: uuid.UUID, start: date, end: date) -> Quota | None:
    """A quota of the owner whose [start, end) intersects the given one."""
    statement = sa.select(Quota).where(col(Quota.owner_id) == owner_id, col(Quota.period_start) < end, col(Quota.period_end) > start)
    return (await session.execute(statement.limit(1))).scalar_one_or_none()


async def list_quotas(
    session: AsyncSession, *, owner_id: uuid.UUID | None, period_from: date | None, period_to: date | None,
    cursor: str | None, limit: int,
) -> PageResult[Quota]:
    statement = sa.select(Quota)
    if owner_id is not None:
        statement = statement.where(col(Quota.owner_id) == owner_id)
    # Quotas whose period intersects [period_from, period_to).
    if period_from is not None:
        statement = statement.where(col(Quota.period_end) > period_from)
    if period_to is not None:
        statement = statement.where(col(Quota.period_start) < period_to)
    return await paginate(session, statement, (col(Quota.period_start), col(Quota.id)), cursor=cursor, limit=limit)
