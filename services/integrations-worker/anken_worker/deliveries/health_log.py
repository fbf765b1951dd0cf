"""Queries on integration health."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from anken_worker.kit.tables import integration_health as t


async def mark_unhealthy(conn: AsyncConnection, integration: str, scope: str, reason: str) -> datetime | None:
    """Record the failure; returns the `since` time only when this call turned a healthy scope unhealthy."""
    row = insert(t).values(id=uuid.uuid4(), integration=integration, scope=scope, healthy=False, reason=reason[:1000])
    stmt = row.on_conflict_do_update(
        constraint="uq_integration_health_scope",
        set_={"healthy": False, "reason": reason[:1000],
              "since": sa.case((t.c.healthy.is_(True), sa.func.now()), else_=t.c.since),
              "director_notified_at": sa.case((t.c.healthy.is_(True), None), else_=t.c.director_notified_at)},
    ).returning(t.c.since, t.c.director_notified_at)
    _, notified = (await conn.execute(stmt)).one()
    if notified is not None:
        return None
    # Claim the one notification of this unhealthy episode.
    claimed = await conn.execute(
        sa.update(t).where(t.c.integration == integration, t.c.scope == scope, t.c.director_notified_at.is_(None))
        .values(director_notified_at=sa.func.now()).returning(t.c.since)
    )
    row = claimed.first()
    return row[0] if row else None


async def mark_healthy(conn: AsyncConnection, integration: str, scope: str) -> None:
    await conn.execute(
        sa.update(t).where(t.c.integration == integration, t.c.scope == scope, t.c.healthy.is_(False))
        .values(healthy=True, reason=None, since=sa.func.now(), director_notified_at=None)
    )


async def list_all(conn: AsyncConnection, only_unhealthy: bool) -> list[dict[str, Any]]:
    stmt = sa.select(t)
    if only_unhealthy:
        stmt = stmt.where(t.c.healthy.is_(False))
    rows = (await conn.execute(stmt.order_by(t.c.integration, t.c.scope))).all()
    return [dict(r._mapping) for r in rows]
