"""Queries on assignments and worked hours."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_projects.assignments.models import Assignment, WorkedHours
from anken_projects.kit.models import utc_now
from anken_projects.kit.pagination import PageResult, paginate


async def assignment_for_update(session: AsyncSession, project_id: uuid.UUID, assignment_id: uuid.UUID) -> Assignment | None:
    statement = sa.select(Assignment).where(col(Assignment.id) == assignment_id, col(Assignment.project_id) == project_id)
    return (await session.execute(statement.with_for_update())).scalar_one_or_none()


async def page_assignments(
    session: AsyncSession, project_id: uuid.UUID, *, member_id: uuid.UUID | None, cursor: str | None, limit: int
) -> PageResult[Assignment]:
    statement = sa.select(Assignment).where(col(Assignment.project_id) == project_id)
    if member_id:
        statement = statement.where(col(Assignment.member_id) == member_id)
    return await paginate(session, statement, (col(Assignment.created_at), col(Assignment.id)), cursor=cursor, limit=limit)


async def is_assigned(session: AsyncSession, project_id: uuid.UUID, member_id: uuid.UUID) -> bool:
    statement = sa.select(col(Assignment.id)).where(col(Assignment.project_id) == project_id, col(Assignment.member_id) == member_id)
    return (await session.execute(statement)).first() is not None


async def worked_hours(session: AsyncSession, project_id: uuid.UUID, member_id: uuid.UUID, day: date) -> WorkedHours | None:
    statement = sa.select(WorkedHours).where(
        col(WorkedHours.project_id) == project_id, col(WorkedHours.member_id) == member_id, col(WorkedHours.day) == day
    )
    return (await session.execute(statement)).scalar_one_or_none()


async def upsert_worked_hours(
    session: AsyncSession, project_id: uuid.UUID, member_id: uuid.UUID, day: date, hours: Decimal
) -> WorkedHours:
    """Set the day's total; an upsert keeps two concurrent PUTs for one day from colliding on the unique key."""
    statement = insert(WorkedHours).values(
        id=uuid.uuid4(), project_id=project_id, member_id=member_id, day=day, hours=hours,
    ).on_conflict_do_update(
        constraint="uq_worked_hours_project_member_day",
        set_={"hours": hours, "updated_at": utc_now(), "version": col(WorkedHours.version) + 1},
    ).returning(col(WorkedHours.id))
    row_id = (await session.execute(statement)).scalar_one()
    reload = sa.select(WorkedHours).where(col(WorkedHours.id) == row_id).execution_options(populate_existing=True)
    return (await session.execute(reload)).scalar_one()


async def page_worked_hours(
    session: AsyncSession, project_id: uuid.UUID, *, member_id: uuid.UUID | None, day_from: date | None,
    day_to: date | None, cursor: str | None, limit: int,
) -> PageResult[WorkedHours]:
    statement = sa.select(WorkedHours).where(col(WorkedHours.project_id) == project_id)
    if member_id:
        statement = statement.where(col(WorkedHours.member_id) == member_id)
    if day_from:
        statement = statement.where(col(WorkedHours.day) >= day_from)
    if day_to:
        statement = statement.where(col(WorkedHours.day) < day_to)
    return await paginate(session, statement, (col(WorkedHours.day), col(WorkedHours.id)), cursor=cursor, limit=limit)
