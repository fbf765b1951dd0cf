"""Queries on webhook endpoints."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from anken_worker.kit.tables import webhook_endpoints as t


async def get(conn: AsyncConnection, endpoint_id: uuid.UUID) -> dict[str, Any] | None:
    row = (await conn.execute(sa.select(t).where(t.c.id == endpoint_id))).first()
    return dict(row._mapping) if row else None


async def for_event(conn: AsyncConnection, client_id: uuid.UUID, event_type: str) -> list[dict[str, Any]]:
    rows = (await conn.execute(
        sa.select(t).where(t.c.client_id == client_id, t.c.active.is_(True),
                           t.c.events.op("@>")(sa.func.jsonb_build_array(event_type))).order_by(t.c.created_at)
    )).all()
    return [dict(r._mapping) for r in rows]


async def active_for_clients(conn: AsyncConnection, client_ids: set[uuid.UUID]) -> list[dict[str, Any]]:
    """Every active endpoint of these clients, oldest first."""
    if not client_ids:
        return []
    rows = (await conn.execute(
        sa.select(t).where(t.c.client_id.in_(client_ids), t.c.active.is_(True)).order_by(t.c.created_at)
    )).all()
    return [dict(r._mapping) for r in rows]


async def list_page(conn: AsyncConnection, client_id: uuid.UUID | None, after: uuid.UUID | None, limit: int,
                    visible: sa.ColumnElement[bool] | None = None) -> list[dict[str, Any]]:
    """`visible`: the caller's access rule (auth/access.py), when it limits the rows."""
    stmt = sa.select(t) if visible is None else sa.select(t).where(visible)
    if client_id:
        stmt = stmt.where(t.c.client_id == client_id)
    if after:
        stmt = stmt.where(t.c.id > after)
    return [dict(r._mapping) for r in (await conn.execute(stmt.order_by(t.c.id).limit(limit))).all()]


async def insert(conn: AsyncConnection, values: dict[str, Any]) -> None:
    await conn.execute(sa.insert(t).values(**values))


async def update(conn: AsyncConnection, endpoint_id: uuid.UUID, values: dict[str, Any]) -> None:
    await conn.execute(sa.update(t).where(t.c.id == endpoint_id).values(**values, updated_at=sa.func.now()))


async def delete(conn: AsyncConnection, endpoint_id: uuid.UUID) -> None:
    await conn.execute(sa.delete(t).where(t.c.id == endpoint_id))
