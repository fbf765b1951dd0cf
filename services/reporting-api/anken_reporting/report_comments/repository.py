"""Queries of report comments."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from anken_reporting.readmodels.models import users
from anken_reporting.report_comments.models import report_comments

t = report_comments


async def comments(session: AsyncSession, project_id: uuid.UUID, iso_week: str, limit: int) -> list[RowMapping]:
    """The week's comments, oldest first (the newest last, as a conversation reads)."""
    newest = (
        sa.select(t).where(t.c.project_id == project_id, t.c.iso_week == iso_week)
        .order_by(t.c.created_at.desc(), t.c.id.desc()).limit(limit).subquery()
    )
    return list((await session.execute(
        sa.select(newest).order_by(newest.c.created_at, newest.c.id)
    )).mappings().all())


async def add(session: AsyncSession, values: dict[str, Any]) -> RowMapping:
    return (await session.execute(sa.insert(t).values(values).returning(*t.c))).mappings().one()


async def user_name(session: AsyncSession, user_id: object) -> str | None:
    name = (await session.execute(sa.select(users.c.name).where(users.c.id == user_id))).scalar()
    return str(name) if name is not None else None
