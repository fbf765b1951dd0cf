"""Whether a token's user still exists and is active, and their current role.

Tokens are stateless JWTs; without this check a deactivated user (or a demoted one) would
keep their access until the token expires. Answers are cached per process for a few
seconds so the check costs one primary-key lookup per user per TTL, not one per request.
"""

from __future__ import annotations

import time
import uuid

import sqlalchemy as sa
from fastapi import Request

from anken_common.auth_tokens import Role
from anken_projects.users.models import User

TTL_S = 5.0
_MAX_ENTRIES = 10_000


async def active_role(request: Request, user_id: uuid.UUID) -> Role | None:
    """The user's current role, or None when the user is gone or deactivated."""
    cache: dict[uuid.UUID, tuple[float, Role | None]] = getattr(request.app.state, "user_status_cache", None) or {}
    request.app.state.user_status_cache = cache
    now = time.monotonic()
    hit = cache.get(user_id)
    if hit and hit[0] > now:
        return hit[1]
    resources = request.app.state.resources
    async with resources.sessionmaker() as session:
        row = (await session.execute(sa.select(User.role, User.is_active).where(User.id == user_id))).first()
    role = Role(row.role) if row and row.is_active else None
    if len(cache) >= _MAX_ENTRIES:
        cache.clear()
    cache[user_id] = (now + TTL_S, role)
    return role
