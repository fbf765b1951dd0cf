"""Queries on clients."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_projects.auth.principal import Principal
from anken_projects.clients.models import Client
from anken_projects.kit.pagination import PageResult, paginate
from anken_projects.kit.text_search import contains
from anken_projects.projects.access import readable_clients_clause


async def find(session: AsyncSession, principal: Principal, client_id: uuid.UUID, *,
               for_update: bool = False) -> Client | None:
    """The client if the principal may read it (the one access rule), else None."""
    statement = sa.select(Client).where(col(Client.id) == client_id, readable_clients_clause(principal, col(Client.id)))
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def page(session: AsyncSession, principal: Principal, *, q: str | None, industry: str | None, cursor: str | None,
               limit: int) -> PageResult[Client]:
    statement = sa.select(Client).where(readable_clients_clause(principal, col(Client.id)))
    if q:
        statement = statement.where(contains(col(Client.name), q))
    if industry:
        statement = statement.where(col(Client.industry) == industry)
    return await paginate(session, statement, (col(Client.created_at), col(Client.id)), cursor=cursor, limit=limit)
