"""Queries on API keys (lookup by prefix for authentication lives in auth/api_key_auth.py)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_projects.api_keys.models import ApiKey
from anken_projects.kit.pagination import PageResult, paginate


async def find(session: AsyncSession, key_id: uuid.UUID, *, for_update: bool = False) -> ApiKey | None:
    statement = sa.select(ApiKey).where(col(ApiKey.id) == key_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def page(session: AsyncSession, *, client_id: uuid.UUID | None, include_revoked: bool, cursor: str | None,
               limit: int) -> PageResult[ApiKey]:
    statement = sa.select(ApiKey)
    if client_id:
        statement = statement.where(col(ApiKey.client_id) == client_id)
    if not include_revoked:
        statement = statement.where(col(ApiKey.revoked_at).is_(None))
    return await paginate(session, statement, (col(ApiKey.created_at), col(ApiKey.id)), cursor=cursor, limit=limit)
