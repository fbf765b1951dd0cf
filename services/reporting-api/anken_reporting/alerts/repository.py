"""Queries over pace alerts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession

from anken_reporting.alerts.models import pace_alerts

_A = pace_alerts.c


def _in_projects(project_ids: Sequence[uuid.UUID]) -> sa.ColumnElement[bool]:
    return _A.project_id == sa.any_(sa.cast(list(project_ids), ARRAY(_A.project_id.type)))


async def list_alerts(
    session: AsyncSession, project_ids: Sequence[uuid.UUID] | None, status: str | None,
    after: tuple[datetime, uuid.UUID] | None, limit: int,
) -> list[sa.RowMapping]:
    query = sa.select(pace_alerts).order_by(_A.raised_at.desc(), _A.id.desc()).limit(limit)
    if project_ids is not None:
        query = query.where(_in_projects(project_ids))
    if status:
        query = query.where(_A.status == status)
    if after:
        query = query.where(sa.tuple_(_A.raised_at, _A.id) < sa.tuple_(*after))
    return list((await session.execute(query)).mappings().all())


async def get_alert(session: AsyncSession, alert_id: uuid.UUID) -> sa.RowMapping | None:
    query = sa.select(pace_alerts).where(_A.id == alert_id).with_for_update()
    return (await session.execute(query)).mappings().first()


async def acknowledge(session: AsyncSession, alert_id: uuid.UUID, by: str, at: datetime) -> sa.RowMapping:
    query = (
        sa.update(pace_alerts)
        .where(_A.id == alert_id)
        .values(status="acknowledged", acknowledged_at=at, acknowledged_by=by)
        .returning(*pace_alerts.c)
    )
    return (await session.execute(query)).mappings().one()


async def open_counts(session: AsyncSession, project_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    query = (
        sa.select(_A.project_id, sa.func.count().label("n"))
        .where(_in_projects(project_ids), _A.status == "open")
        .group_by(_A.project_id)
    )
    rows = (await session.execute(query)).all()
    return {row.project_id: int(row.n) for row in rows}


async def insert_once_a_day(session: AsyncSession, values: dict[str, Any]) -> bool:
    """Insert an alert unless one exists for its (project, member, rule, day); True when inserted."""
    query = (
        insert(pace_alerts)
        .values(**values)
        .on_conflict_do_nothing(constraint="uq_pace_alerts_once_a_day")
        .returning(_A.id)
    )
    return (await session.execute(query)).first() is not None
