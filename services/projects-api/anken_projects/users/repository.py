"""Queries on users."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_common.auth_tokens import Role
from anken_projects.kit.pagination import PageResult, paginate
from anken_projects.kit.text_search import contains
from anken_projects.users.models import User


async def email_taken(session: AsyncSession, email: str, except_id: uuid.UUID | None = None) -> bool:
    """Emails are unique case-insensitively (the uq_users_email_lower index)."""
    statement = sa.select(col(User.id)).where(sa.func.lower(col(User.email)) == email.lower())
    if except_id:
        statement = statement.where(col(User.id) != except_id)
    return (await session.execute(statement)).first() is not None


async def find_by_email(session: AsyncSession, email: str, *, for_update: bool = False) -> User | None:
    """The user of this email (case-insensitive), if any."""
    statement = sa.select(User).where(sa.func.lower(User.email) == email.lower())
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def find(session: AsyncSession, user_id: uuid.UUID, *, for_update: bool = False,
               visible: sa.ColumnElement[bool] | None = None) -> User | None:
    statement = sa.select(User).where(col(User.id) == user_id)
    if visible is not None:
        statement = statement.where(visible)
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


async def names(session: AsyncSession, user_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not user_ids:
        return {}
    rows = await session.execute(sa.select(col(User.id), col(User.name)).where(col(User.id).in_(user_ids)))
    return {row.id: row.name for row in rows}


async def page(session: AsyncSession, *, visible: sa.ColumnElement[bool], role: Role | None, is_active: bool | None,
               q: str | None, cursor: str | None, limit: int) -> PageResult[User]:
    statement = sa.select(User).where(visible)
    if role:
        statement = statement.where(col(User.role) == role)
    if is_active is not None:
        statement = statement.where(col(User.is_active) == is_active)
    if q:
        statement = statement.where(sa.or_(contains(col(User.name), q), contains(col(User.email), q)))
    return await paginate(session, statement, (col(User.created_at), col(User.id)), cursor=cursor, limit=limit)
