"""Queries on clients."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from anken_projects.clients.models import Client
from anken_projects.kit.pagination import PageResult, paginate
from anken_projects.kit.text_search import contains


async def find(session: AsyncSession, client_id: uuid.UUID, *, only_client: uuid.UUID | None = None,
               for_update: bool = False) -> Client | None:
    """The client, or None; `only_client` restricts the lookup to one tenant (partner keys)."""
    statement = sa.select(Client).where(Client.id == client_id)
    if only_client is not None:
        statement = statement.where(Client.id == only_client)
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def page(session: AsyncSession, *, q: str | None, industry: str | None, cursor: str | None,
               limit: int) -> PageResult[Client]:
    statement = sa.select(Client)
    if q:
        statement = statement.where(contains(Client.name, q))
    if industry:
        statement = statement.where(Client.industry == industry)
    return await paginate(session, statement, (Client.created_at, Client.id), cursor=cursor, limit=limit)
