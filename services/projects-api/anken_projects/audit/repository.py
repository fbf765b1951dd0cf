"""Queries on audit entries."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_projects.audit.models import AuditEntry
from anken_projects.kit.pagination import PageResult, paginate


async def page(session: AsyncSession, *, entity_type: str | None, entity_id: str | None, actor_id: str | None,
               action: str | None, cursor: str | None, limit: int) -> PageResult[AuditEntry]:
    """Newest first; every filter is an exact match."""
    statement = sa.select(AuditEntry)
    for column, value in ((col(AuditEntry.entity_type), entity_type), (col(AuditEntry.entity_id), entity_id),
                          (col(AuditEntry.actor_id), actor_id), (col(AuditEntry.action), action)):
        if value is not None:
            statement = statement.where(column == value)
    return await paginate(session, statement, (col(AuditEntry.id),), cursor=cursor, limit=limit, descending=True)
