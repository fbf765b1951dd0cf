"""Queries on integration settings."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from anken_worker.kit.tables import integration_settings as t


def _effective_stmt(*conditions: sa.ColumnElement[bool]) -> sa.Select:
    return (
        sa.select(t).where(t.c.integration == sa.bindparam("p_integration", type_=t.c.integration.type),
                           t.c.enabled.is_(True), sa.or_(*conditions))
        .order_by(t.c.project_id.is_(None))  # project-level first
        .limit(1)
    )


_FOR_PROJECT = t.c.project_id == sa.bindparam("p_project_id", type_=t.c.project_id.type)
_FOR_CLIENT = sa.and_(t.c.client_id == sa.bindparam("p_client_id", type_=t.c.client_id.type), t.c.project_id.is_(None))
# Built once per shape: every delivery reads its settings (the statement's construction is the costly part).
_EFFECTIVE = {
    (True, True): _effective_stmt(_FOR_PROJECT, _FOR_CLIENT),
    (True, False): _effective_stmt(_FOR_PROJECT),
    (False, True): _effective_stmt(_FOR_CLIENT),
}


async def effective(
    conn: AsyncConnection, integration: str, client_id: uuid.UUID | None, project_id: uuid.UUID | None
) -> dict[str, Any] | None:
    """The project's own settings, else the client's, else None."""
    if client_id is None and project_id is None:
        return None
    stmt = _EFFECTIVE[(project_id is not None, client_id is not None)]
    params = {"p_integration": integration, "p_project_id": project_id, "p_client_id": client_id}
    params = {k: v for k, v in params.items() if v is not None}
    row = (await conn.execute(stmt, params)).first()
    return dict(row._mapping) if row else None


async def effective_many(
    conn: AsyncConnection, integration: str, scopes: list[tuple[uuid.UUID | None, uuid.UUID | None]]
) -> list[dict[str, Any] | None]:
    """`effective` for many (client id, project id) scopes in one query, answered in their order."""
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
