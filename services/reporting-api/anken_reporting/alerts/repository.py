"""Queries over pace alerts."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def list_alerts(
    session: AsyncSession, project_ids: Sequence[uuid.UUID] | None, status: str | None,
    after: tuple[datetime, uuid.UUID] | None, limit: int,
) -> list:
    clauses, params = ["TRUE"], {"n": limit}
    if project_ids is not None:
        clauses.append("project_id = ANY(:ids)")
        params["ids"] = list(project_ids)
    if status:
        clauses.append("status = :status")
        params["status"] = status
    if after:
        clauses.append("(raised_at, id) < (:at, :id)")
        params["at"], params["id"] = after
    sql = (f"SELECT * FROM reporting.pace_alerts WHERE {' AND '.join(clauses)} "
           "ORDER BY raised_at DESC, id DESC LIMIT :n")
    return list((await session.execute(text(sql), params)).mappings().all())


async def get_alert(session: AsyncSession, alert_id: uuid.UUID):
    return (await session.execute(
        text("SELECT * FROM reporting.pace_alerts WHERE id = :id FOR UPDATE"), {"id": alert_id}
    )).mappings().first()


async def acknowledge(session: AsyncSession, alert_id: uuid.UUID, by: str, at: datetime):
    return (await session.execute(
        text("UPDATE reporting.pace_alerts SET status = 'acknowledged', acknowledged_at = :at, acknowledged_by = :by "
             "WHERE id = :id RETURNING *"),
        {"id": alert_id, "at": at, "by": by},
    )).mappings().one()


async def open_counts(session: AsyncSession, project_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    rows = (await session.execute(
        text("SELECT project_id, COUNT(*) AS n FROM reporting.pace_alerts "
             "WHERE project_id = ANY(:ids) AND status = 'open' GROUP BY project_id"),
        {"ids": list(project_ids)},
    )).all()
    return {row.project_id: int(row.n) for row in rows}
