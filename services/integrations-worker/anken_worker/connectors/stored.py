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
    return (await effective_many(conn, integration, [(client_id, project_id)]))[0]


async def effective_many(
    conn: AsyncConnection, integration: str, scopes: list[tuple[uuid.UUID | None, uuid.UUID | None]]
) -> list[dict[str, Any] | None]:
    """For each (client id, project id) scope, the project's own enabled settings, else its client's,
    else None: one query for all of them, answered in their order."""
    project_ids = {p for _, p in scopes if p is not None}
    client_ids = {c for c, _ in scopes if c is not None}
    if not project_ids and not client_ids:
        return [None] * len(scopes)
    stmt = sa.select(t).where(t.c.integration == integration, t.c.enabled.is_(True), sa.or_(
        t.c.project_id.in_(project_ids), sa.and_(t.c.client_id.in_(client_ids), t.c.project_id.is_(None))))
    by_project: dict[uuid.UUID, dict[str, Any]] = {}
    by_client: dict[uuid.UUID, dict[str, Any]] = {}
    for row in (await conn.execute(stmt)).all():
        values = dict(row._mapping)
        if values["project_id"] is not None:
            by_project.setdefault(values["project_id"], values)
        else:
            by_client.setdefault(values["client_id"], values)
    return [by_project.get(p) if p is not None and p in by_project else by_client.get(c) if c is not None else None
            for c, p in scopes]


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


async def list_all(conn: AsyncConnection, client_id: uuid.UUID | None, after: uuid.UUID | None, limit: int,
                   visible: sa.ColumnElement[bool] | None = None) -> list[dict[str, Any]]:
    """`visible`: the caller's access rule (auth/access.py), when it limits the rows."""
    stmt = sa.select(t) if visible is None else sa.select(t).where(visible)
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
