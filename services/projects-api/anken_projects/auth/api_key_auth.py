"""Authenticating partner API keys: `ak_<8 hex prefix>_<43 url-safe characters>`.

Only a keyed hash (HMAC-SHA256) is stored: keys are high-entropy random strings, so a slow
password hash would add latency without adding safety. The prefix finds the row; the hash is
compared in constant time. A key of any other shape is refused before any lookup.

The hash key is ANKEN_SECRET_KEY itself, as it always was, so that keys issued before tokens got
keys of their own keep working; token signing no longer uses it (anken_common.auth_tokens derives
a key per purpose), so the two never share a key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_common.auth_tokens import API_KEY_PREFIX, api_key_prefix
from anken_common.problems import Unauthorized
from anken_common.rate_limit import enforce_api_key_rate
from anken_projects.api_keys.models import ApiKey
from anken_projects.auth.principal import Principal
from anken_projects.kit.models import utc_now

PREFIX_LENGTH = 8
# last_used_at is written at most this often per key, so busy keys do not turn reads into writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class NewKey:
    prefix: str
    secret: str  # the whole key as shown to the partner once: ak_<prefix>_<random>
    secret_hash: str


def hash_key(secret_key: str, full_key: str) -> str:
    return hmac.new(secret_key.encode(), full_key.encode(), hashlib.sha256).hexdigest()


def generate_key(secret_key: str) -> NewKey:
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    full = f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    return NewKey(prefix=prefix, secret=full, secret_hash=hash_key(secret_key, full))


def parse_prefix(token: str) -> str | None:
    """The lookup prefix of a well-formed key, else None."""
    return api_key_prefix(token)


def refusal(key: ApiKey, now: datetime | None = None) -> str | None:
    """Why a matching key no longer opens anything (revoked, expired), or None while it is valid."""
    if key.revoked_at is not None:
        return "API key has been revoked"
    if key.expires_at is not None and key.expires_at <= (now or utc_now()):
        return "API key has expired"
    return None


async def find_key(session: AsyncSession, secret_key: str, token: str) -> ApiKey | None:
    """The key row matching `token` (revoked, expired or not), or None when no key matches."""
    prefix = parse_prefix(token)
    if prefix is None:
        return None
    key = (await session.execute(sa.select(ApiKey).where(col(ApiKey.prefix) == prefix))).scalar_one_or_none()
    if key is None or not hmac.compare_digest(key.secret_hash, hash_key(secret_key, token)):
        return None
    return key


def key_principal(key: ApiKey) -> Principal:
    return Principal(kind="api_key", id=key.id, client_id=key.client_id, scopes=frozenset(key.scopes))


async def authenticate_api_key(request: Request, token: str) -> Principal:
    """Look the key up by prefix, verify its hash, check revocation and expiry, rate limit, touch last_used_at."""
    resources = request.app.state.resources
    settings = resources.settings
    if parse_prefix(token) is None:
        raise Unauthorized("API key is malformed")
    # A session of its own: authentication must not share (or roll back with) the request's transaction.
    async with resources.sessionmaker() as session, session.begin():
        key = await find_key(session, settings.anken_secret_key, token)
        if key is None:
            raise Unauthorized("API key is invalid")
        now = utc_now()
        if reason := refusal(key, now):
            raise Unauthorized(reason)
        await enforce_api_key_rate(resources.redis, f"{settings.redis_namespace}:ratelimit:api_key:{key.id}",
                                   settings.api_key_rate_capacity, settings.api_key_rate_per_s)
        if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
            await session.execute(
                sa.update(ApiKey)
                .where(col(ApiKey.id) == key.id,
                       sa.or_(col(ApiKey.last_used_at).is_(None), col(ApiKey.last_used_at) < now - LAST_USED_RESOLUTION))
                .values(last_used_at=now)
            )
        return key_principal(key)
