"""Queries of forecast snapshots."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TypedDict

from sqlalchemy import select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_common import cursors
from anken_reporting.forecast.models import ForecastSnapshot


class SnapshotValues(TypedDict):
    """Every column of a forecast_snapshots row, as `upsert` writes it."""

    id: uuid.UUID
    owner_id: uuid.UUID
    period: str
    period_start: date
    period_end: date
    snapshot_week: str
    won: int
    commit: int
    best_case: int
    pipeline: int
    weighted: int
    quota: int | None
    taken_at: datetime


def encode_cursor(snapshot: ForecastSnapshot) -> str:
    return cursors.encode_cursor((snapshot.taken_at, snapshot.id))


def decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    return cursors.decode_instant_id_cursor(cursor)


async def upsert(session: AsyncSession, values: SnapshotValues) -> ForecastSnapshot:
    """One snapshot per owner, period and ISO week: taking it again that week replaces the figures."""
    update = {k: v for k, v in values.items() if k not in ("id", "owner_id", "period", "snapshot_week")}
    statement = (
        insert(ForecastSnapshot).values(values)
        .on_conflict_do_update(constraint="uq_forecast_snapshots_owner_period_week", set_=update)
        .returning(col(ForecastSnapshot.id))
    )
    snapshot_id = (await session.execute(statement)).scalar_one()
    return (await session.execute(
        select(ForecastSnapshot)
        .where(col(ForecastSnapshot.id) == snapshot_id)
        .execution_options(populate_existing=True)
    )).scalar_one()


async def page(
    session: AsyncSession, *, owner_id: uuid.UUID | None, period: str | None, cursor: str | None, limit: int
) -> tuple[list[ForecastSnapshot], str | None]:
    statement = select(ForecastSnapshot)
    if owner_id is not None:
        statement = statement.where(col(ForecastSnapshot.owner_id) == owner_id)
    if period is not None:
        statement = statement.where(col(ForecastSnapshot.period) == period)
    if cursor:
        taken_at, snapshot_id = decode_cursor(cursor)
        statement = statement.where(
            tuple_(col(ForecastSnapshot.taken_at), col(ForecastSnapshot.id)) > (taken_at, snapshot_id)
        )
    rows = list((await session.execute(
        statement.order_by(col(ForecastSnapshot.taken_at), col(ForecastSnapshot.id)).limit(limit + 1)
    )).scalars())
    next_cursor = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], next_cursor
