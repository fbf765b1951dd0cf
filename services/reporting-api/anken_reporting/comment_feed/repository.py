"""Queries of the client's comments across projects."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common import cursors
from anken_common.auth_tokens import Role
from anken_reporting.readmodels.models import projects
from anken_reporting.report_comments.models import report_comments as t

CLIENT_ROLE = Role.client.value


def encode_cursor(row: RowMapping) -> str:
    return cursors.encode_cursor((row["created_at"], row["id"]))


async def page(session: AsyncSession, *, since: datetime, project_id: uuid.UUID | None,
               visible: sa.ColumnElement[bool], cursor: str | None, limit: int) -> tuple[list[RowMapping], str | None]:
    """Client users' comments since `since`, newest first, on the projects `visible` (the caller's access clause)
    lets through."""
    query = (
        sa.select(t, projects.c.name.label("project_name"))
        .select_from(t.outerjoin(projects, projects.c.id == t.c.project_id))
        .where(t.c.author_role == CLIENT_ROLE, t.c.created_at >= since, visible)
    )
    if project_id is not None:
        query = query.where(t.c.project_id == project_id)
    if cursor:
        at, comment_id = cursors.decode_instant_id_cursor(cursor)
        query = query.where(sa.tuple_(t.c.created_at, t.c.id) < (at, comment_id))
    rows = list((await session.execute(
        query.order_by(t.c.created_at.desc(), t.c.id.desc()).limit(limit + 1)
    )).mappings().all())
    next_cursor = encode_cursor(rows[limit - 1]) if len(rows) > limit else None
    return rows[:limit], next_cursor
