"""Queries of weekly report drafts and versions, and the week's first calls (list consumption)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, String, cast, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_reporting.kit.models import table_of, utc_now
from anken_reporting.readmodels.models import call_project_days, users
from anken_reporting.reports.models import WeeklyReportDraft, WeeklyReportVersion


async def draft(session: AsyncSession, project_id: uuid.UUID, iso_week: str) -> WeeklyReportDraft | None:
    return (await session.execute(
        select(WeeklyReportDraft).where(col(WeeklyReportDraft.project_id) == project_id,
                                        col(WeeklyReportDraft.iso_week) == iso_week)
    )).scalar_one_or_none()


async def save_draft(session: AsyncSession, project_id: uuid.UUID, iso_week: str, notes: dict[str, Any],
                     next_actions: list[dict[str, Any]], updated_by: str) -> WeeklyReportDraft:
    values = {"project_id": project_id, "iso_week": iso_week, "notes": notes, "next_actions": next_actions,
              "revision": 1, "updated_by": updated_by, "updated_at": utc_now()}
    statement = insert(WeeklyReportDraft).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=["project_id", "iso_week"],
        set_={"notes": statement.excluded.notes, "next_actions": statement.excluded.next_actions,
              "updated_by": statement.excluded.updated_by, "updated_at": statement.excluded.updated_at,
              "revision": col(WeeklyReportDraft.revision) + 1},
    )
    await session.execute(statement)
    draft = (await session.execute(
        select(WeeklyReportDraft).where(col(WeeklyReportDraft.project_id) == project_id,
                                        col(WeeklyReportDraft.iso_week) == iso_week)
        .execution_options(populate_existing=True)
    )).scalar_one()
    return draft


async def lock_week(session: AsyncSession, project_id: uuid.UUID, iso_week: str) -> None:
    """Serialise publishes of one project-week so version numbers never collide."""
    key = f"weekly-report:{project_id}:{iso_week}"
    await session.execute(select(func.pg_advisory_xact_lock(func.hashtext(key))))


async def version(
    session: AsyncSession, project_id: uuid.UUID, iso_week: str, version: int | None,
) -> WeeklyReportVersion | None:
    """The given version, or the latest when `version` is None."""
    statement = select(WeeklyReportVersion).where(
        col(WeeklyReportVersion.project_id) == project_id, col(WeeklyReportVersion.iso_week) == iso_week
    )
    if version is not None:
        statement = statement.where(col(WeeklyReportVersion.version) == version)
    return (await session.execute(
        statement.order_by(col(WeeklyReportVersion.version).desc()).limit(1)
    )).scalar_one_or_none()


async def latest_version_number(session: AsyncSession, project_id: uuid.UUID, iso_week: str) -> int | None:
    return (await session.execute(
        select(func.max(col(WeeklyReportVersion.version))).where(
            col(WeeklyReportVersion.project_id) == project_id, col(WeeklyReportVersion.iso_week) == iso_week)
    )).scalar()


async def versions(
    session: AsyncSession, project_id: uuid.UUID, iso_week: str,
) -> list[Row[int, datetime, str | None, str | None, str | None]]:
    """Every published version of the week, newest first, with the publisher's name when known
    (version, published_at, published_by, published_by_name, summary)."""
    table = table_of(WeeklyReportVersion)
    v = table.c
    statement = (
        select(v.version, v.published_at, v.published_by, users.c.name.label("published_by_name"),
               v.report["summary"].astext.label("summary"))
        .select_from(table.outerjoin(users, cast(users.c.id, String) == v.published_by))
        .where(v.project_id == project_id, v.iso_week == iso_week)
        .order_by(v.version.desc())
    )
    return list((await session.execute(statement)).all())


async def published_weeks(
    session: AsyncSession, project_id: uuid.UUID, limit: int,
) -> list[Row[str, int, datetime, str | None]]:
    """The weeks with a published version, newest week first: the latest version of each and when it came
    (iso_week, version, published_at, summary)."""
    v = table_of(WeeklyReportVersion).c
    statement = (
        select(v.iso_week, v.version, v.published_at, v.report["summary"].astext.label("summary"))
        .distinct(v.iso_week)
        .where(v.project_id == project_id)
        .order_by(v.iso_week.desc(), v.version.desc())
        .limit(limit)
    )
    return list((await session.execute(statement)).all())


async def add_version(session: AsyncSession, row: WeeklyReportVersion) -> WeeklyReportVersion:
    session.add(row)
    await session.flush()
    return row


async def first_calls(session: AsyncSession, project_id: uuid.UUID, start: date, end: date) -> int:
    days = call_project_days.c
    value = (await session.execute(
        select(func.coalesce(func.sum(days.first_calls), 0))
        .where(days.project_id == project_id, days.day >= start, days.day < end)
    )).scalar()
    return int(value or 0)
