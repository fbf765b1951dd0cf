"""A user's current status (active, role, token version) from their row, remembered for a few
seconds per process so the check costs one primary-key lookup per user per TTL, not one per request.

The rule a token is held to lives in anken_common.user_status (current_role), shared with the
services that ask projects-api instead of reading the row.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from anken_common.auth_tokens import Role
from anken_common.user_status import TtlCache, UserStatus, current_role
from anken_projects.users.models import User


def _cache(request: Request) -> TtlCache[uuid.UUID, UserStatus | None]:
    cache = getattr(request.app.state, "user_status_cache", None)
    if cache is None:
        cache = request.app.state.user_status_cache = TtlCache()
    return cache


async def read_status(session: AsyncSession, user_id: uuid.UUID) -> UserStatus | None:
    """The user's status now, or None when no such user exists."""
    row = (await session.execute(
        sa.select(col(User.role), col(User.is_active), col(User.token_version)).where(col(User.id) == user_id))).first()
    return UserStatus(active=row.is_active, role=Role(row.role), version=row.token_version) if row else None


async def active_role(request: Request, user_id: uuid.UUID, token_version: int) -> Role:
    """The role a user token of `token_version` grants now; 401 when it no longer counts."""
    sessionmaker: async_sessionmaker[AsyncSession] = request.app.state.resources.sessionmaker

    async def load() -> UserStatus | None:
        async with sessionmaker() as session:
            return await read_status(session, user_id)

    return current_role(await _cache(request).get(user_id, load), token_version)


def forget(request: Request, user_id: uuid.UUID) -> None:
    """This process stops trusting its remembered status at once (after logout or a password change)."""
    _cache(request).forget(user_id)
