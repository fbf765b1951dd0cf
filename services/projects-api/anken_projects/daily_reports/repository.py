"""Queries on daily reports."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_projects.daily_reports.models import DailyReport
from anken_projects.kit.models import utc_now
from anken_projects.kit.pagination import PageResult, paginate


async def daily_report(session: AsyncSession, project_id: uuid.UUID, member_id: uuid.UUID, day: date) -> DailyReport | None:
    statement = sa.select(DailyReport).where(
        col(DailyReport.project_id) == project_id, col(DailyReport.member_id) == member_id, col(DailyReport.day) == day
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def upsert_daily_report(
    session: AsyncSession, project_id: uuid.UUID, member_id: uuid.UUID, day: date, values: dict[str, Any]
) -> DailyReport:
    """Replace the day's report; an upsert keeps two concurrent PUTs for one day from colliding on the unique key."""
    statement = insert(DailyReport).values(
        id=uuid.uuid4(), project_id=project_id, member_id=member_id, day=day, **values,
    ).on_conflict_do_update(
        constraint="uq_daily_reports_project_member_day",
        set_={**values, "updated_at": utc_now(), "version": col(DailyReport.version) + 1},
    ).returning(col(DailyReport.id))
    row_id = (await session.execute(statement)).scalar_one()
    reload = sa.select(DailyReport).where(col(DailyReport.id) == row_id).execution_options(populate_existing=True)
    return (await session.execute(reload)).scalar_one()


async def page_daily_reports(
    session: AsyncSession, project_id: uuid.UUID, *, member_id: uuid.UUID | None, day: date | None,
    cursor: str | None, limit: int,
) -> PageResult[DailyReport]:
    statement = sa.select(DailyReport).where(col(DailyReport.project_id) == project_id)
    if member_id:
        statement = statement.where(col(DailyReport.member_id) == member_id)
    if day:
        statement = statement.where(col(DailyReport.day) == day)
    # Newest day first: a director reads yesterday's reports before last month's.
    return await paginate(session, statement, (col(DailyReport.day), col(DailyReport.id)), cursor=cursor, limit=limit,
                          descending=True)
