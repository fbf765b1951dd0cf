"""Queries on integration settings."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from anken_worker.kit.tables import integration_settings as t


async def effective(
    conn: AsyncConnection, integration: str, client_id: uuid.UUID | None, project_id: uuid.UUID | None
) -> dict[str, Any] | None:
    """The project's own settings, else the client's, else None."""
    if client_id is None and project_id is None:
        return None
    conditions = []
    if project_id is not None:
        conditions.append(t.c.project_id == project_id)
    if client_id is not None:
        conditions.append(sa.and_(t.c.client_id == client_id, t.c.project_id.is_(None)))
    stmt = (
        sa.select(t).where(t.c.integration == integration, t.c.enabled.is_(True), sa.or_(*conditions))
        .order_by(t.c.project_id.is_(None))  # project-level first
        .limit(1)
    )
    row = (await conn.execute(stmt)).first()
    return dict(row._mapping) if row else None


async def get(conn: AsyncConnection, settings_id: uuid.UUID) -> dict[str, Any] | None:
    row = (await conn.execute(sa.select(t).where(t.c.id == settings_id))).first()
    return dict(row._mapping) if row else None


async def find_scope(
    conn: AsyncConnection, integration: str, client_id: uuid.UUID, project_id: uuid.UUID | None
) -> dict[str, Any] | None:
    project_cond = t.c.project_id == project_id if project_id else t.c.project_id.is_(None)
    row = (await conn.execute(sa.select(t).where(
        t.c.integration == integration, t.c.client_id == client_id, project_cond))).first()
    return dict(row._mapping) if row else None


async def list_all(conn: AsyncConnection, client_id: uuid.UUID | None, after: uuid.UUID | None, limit: int) -> list[dict]:
    stmt = sa.select(t)
    if client_id:
        stmt = stmt.where(t.c.client_id == client_id)
    if after:
        stmt = stmt.where(t.c.id > after)
    rows = (await conn.execute(stmt.order_by(t.c.id).limit(limit))).all()
    return [dict(r._mapping) for r in rows]


async def insert(conn: AsyncConnection, values: dict[str, Any]) -> None:
    await conn.execute(sa.insert(t).values(**values))


async def update(conn: AsyncConnection, settings_id: uuid.UUID, values: dict[str, Any]) -> None:
    await conn.execute(sa.update(t).where(t.c.id == settings_id).values(**values, updated_at=sa.func.now()))


async def delete(conn: AsyncConnection, settings_id: uuid.UUID) -> None:
    await conn.execute(sa.delete(t).where(t.c.id == settings_id))
