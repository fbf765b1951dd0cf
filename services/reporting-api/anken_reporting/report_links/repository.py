"""Queries of shared report links."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from anken_reporting.readmodels.models import projects, users
from anken_reporting.report_links.models import report_links

t = report_links


async def insert_link(session: AsyncSession, values: dict[str, Any]) -> RowMapping | None:
    """The new link; None when the creator's Idempotency-Key already made one (read it with by_key)."""
    statement = insert(t).values(values).on_conflict_do_nothing(constraint="uq_report_links_idempotency")
    return (await session.execute(statement.returning(*t.c))).mappings().first()


async def by_key(session: AsyncSession, created_by: str, key: str) -> RowMapping | None:
    return (await session.execute(
        sa.select(t).where(t.c.created_by == created_by, t.c.idempotency_key == key)
    )).mappings().first()


async def get_link(session: AsyncSession, link_id: uuid.UUID) -> RowMapping | None:
    return (await session.execute(sa.select(t).where(t.c.id == link_id))).mappings().first()


async def list_links(
    session: AsyncSession, where: list[sa.ColumnElement[bool]], limit: int,
) -> list[RowMapping]:
    """Links with their project's name and the creator's name, newest first."""
    statement = (
        sa.select(t, projects.c.name.label("project_name"), users.c.name.label("created_by_name"))
        .select_from(t.join(projects, projects.c.id == t.c.project_id)
                     .outerjoin(users, sa.cast(users.c.id, sa.String) == t.c.created_by))
        .where(*where)
        .order_by(t.c.created_at.desc(), t.c.id)
        .limit(limit)
    )
    return list((await session.execute(statement)).mappings().all())


async def revoke(session: AsyncSession, link_id: uuid.UUID, by: str, at: datetime) -> None:
    """Revoked once: revoking again keeps the first time and who did it."""
    await session.execute(
        sa.update(t).where(t.c.id == link_id, t.c.revoked_at.is_(None)).values(revoked_at=at, revoked_by=by)
    )


async def record_open(session: AsyncSession, link_id: uuid.UUID, at: datetime) -> None:
    await session.execute(
        sa.update(t).where(t.c.id == link_id).values(last_opened_at=at, open_count=t.c.open_count + 1)
    )


async def client_has_project_directed_by(session: AsyncSession, client_id: uuid.UUID, director_id: object) -> bool:
    found = (await session.execute(
        sa.select(sa.literal(1)).where(projects.c.client_id == client_id, projects.c.director_id == director_id).limit(1)
    )).first()
    return found is not None
