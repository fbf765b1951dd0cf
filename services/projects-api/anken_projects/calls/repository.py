"""Reading and writing single call rows (the partitioned table is addressed with core SQL)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_projects.appointments.models import Appointment
from anken_projects.calls.models import Call
from anken_projects.kit.models import table_of

C = table_of(Call).c


async def get_call_row(session: AsyncSession, call_id: uuid.UUID, *, for_update: bool = False) -> Any:
    statement = sa.select(table_of(Call)).where(C.id == call_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).one_or_none()


async def appointment_id_of_call(session: AsyncSession, call_id: uuid.UUID) -> uuid.UUID | None:
    return (await session.execute(
        sa.select(col(Appointment.id)).where(col(Appointment.call_id) == call_id).limit(1)
    )).scalar_one_or_none()


async def appointment_ids_of_calls(session: AsyncSession, call_ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    if not call_ids:
        return {}
    rows = await session.execute(
        sa.select(col(Appointment.call_id), col(Appointment.id)).where(col(Appointment.call_id).in_(call_ids))
    )
    return {row.call_id: row.id for row in rows}


async def latest_call_of_target(session: AsyncSession, target_id: uuid.UUID) -> Any:
    return (await session.execute(
        sa.select(C.outcome, C.occurred_at).where(C.target_id == target_id).order_by(C.occurred_at.desc()).limit(1)
    )).one_or_none()


async def count_calls_of_target(session: AsyncSession, target_id: uuid.UUID) -> int:
    return (await session.execute(sa.select(sa.func.count()).where(C.target_id == target_id))).scalar_one()


async def is_first_call_of_target(
    session: AsyncSession, call_id: uuid.UUID, target_id: uuid.UUID, occurred_at: datetime
) -> bool:
    """No other call of the target happened before this one (what an edited call reports as first_call_of_target)."""
    earlier = await session.scalar(sa.select(sa.exists().where(
        C.target_id == target_id, C.id != call_id, C.occurred_at < occurred_at
    )))
    return not earlier


def calls_query(project_id: uuid.UUID, *, member_id: uuid.UUID | None, target_id: uuid.UUID | None,
                outcome: str | None, from_: datetime | None, to: datetime | None) -> sa.Select[Call]:
    """Calls of a project, filtered; `from` inclusive, `to` exclusive (partitions outside are pruned)."""
    statement = sa.select(Call).where(col(Call.project_id) == project_id)
    if member_id is not None:
        statement = statement.where(col(Call.member_id) == member_id)
    if target_id is not None:
        statement = statement.where(col(Call.target_id) == target_id)
    if outcome is not None:
        statement = statement.where(col(Call.outcome) == outcome)
    if from_ is not None:
        statement = statement.where(col(Call.occurred_at) >= from_)
    if to is not None:
        statement = statement.where(col(Call.occurred_at) < to)
    return statement
