"""Authenticating partner API keys: `ak_<8-char prefix>_<secret>`.

Only a keyed hash (HMAC-SHA256 with ANKEN_SECRET_KEY) is stored: keys are high-entropy
random strings, so a slow password hash would add latency without adding safety. The
prefix finds the row; the hash is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from fastapi import Request
from redis.asyncio import Redis
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.auth_tokens import API_KEY_PREFIX
from anken_common.logging import get_logger
from anken_common.problems import ProblemError, Unauthorized
from anken_projects.api_keys.models import ApiKey
from anken_projects.auth.principal import Principal
from anken_projects.kit.models import utc_now

log = get_logger("anken.api_keys")

PREFIX_LENGTH = 8
# last_used_at is written at most this often per key, so busy keys do not turn reads into writes.
LAST_USED_RESOLUTION = timedelta(minutes=1)

# Token bucket: KEYS[1] = bucket hash; ARGV = capacity, refill per second, now (s, float).
# Answers {allowed (1/0), seconds until one token is available}.
TOKEN_BUCKET_LUA = """
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
local tokens = tonumber(state[1])
local ts = tonumber(state[2])
if tokens == nil then
  tokens = capacity
  ts = now
end
tokens = math.min(capacity, tokens + math.max(0, now - ts) * rate)
local allowed = 0
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  wait = (1 - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tokens, 'ts', now)
redis.call('EXPIRE', KEYS[1], math.ceil(capacity / rate) + 60)
return {allowed, tostring(wait)}
"""


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
    if not token.startswith(API_KEY_PREFIX):
        return None
    prefix, sep, rest = token[len(API_KEY_PREFIX):].partition("_")
    if not sep or len(prefix) != PREFIX_LENGTH or len(rest) < 16 or len(token) > 200:
        return None
    return prefix


async def take_token(redis: Redis, key: str, capacity: int, rate_per_s: float) -> float:
    """Take one token from the bucket; 0.0 when allowed, else seconds until a token is available."""
    allowed, wait = await redis.eval(TOKEN_BUCKET_LUA, 1, key, capacity, rate_per_s, f"{time.time():.6f}")
    return 0.0 if int(allowed) == 1 else float(wait)


async def find_key(session: AsyncSession, secret_key: str, token: str) -> ApiKey | None:
    """The key row matching `token` (revoked or not), or None when no key matches."""
    prefix = parse_prefix(token)
    if prefix is None:
        return None
    key = (await session.execute(sa.select(ApiKey).where(ApiKey.prefix == prefix))).scalar_one_or_none()
    if key is None or not hmac.compare_digest(key.secret_hash, hash_key(secret_key, token)):
        return None
    return key


def key_principal(key: ApiKey) -> Principal:
    return Principal(kind="api_key", id=key.id, client_id=key.client_id, scopes=frozenset(key.scopes))


async def authenticate_api_key(request: Request, token: str) -> Principal:
    """Look the key up by prefix, verify its hash, check revocation, rate limit, touch last_used_at."""
    resources = request.app.state.resources
    settings = resources.settings
    if parse_prefix(token) is None:
        raise Unauthorized("API key is malformed")
    # A session of its own: authentication must not share (or roll back with) the request's transaction.
    async with resources.sessionmaker() as session, session.begin():
        key = await find_key(session, settings.anken_secret_key, token)
        if key is None:
            raise Unauthorized("API key is invalid")
        if key.revoked_at is not None:
            raise Unauthorized("API key has been revoked")
        await _rate_limit(resources.redis, f"{settings.redis_namespace}:ratelimit:api_key:{key.id}",
                          settings.api_key_rate_capacity, settings.api_key_rate_per_s)
        now = utc_now()
        if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
            await session.execute(
                sa.update(ApiKey)
                .where(ApiKey.id == key.id,
                       sa.or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at < now - LAST_USED_RESOLUTION))
                .values(last_used_at=now)
            )
        return key_principal(key)


async def _rate_limit(redis: Redis, bucket: str, capacity: int, rate_per_s: float) -> None:
    try:
        wait = await take_token(redis, bucket, capacity, rate_per_s)
    except (RedisError, OSError) as exc:
        # Availability over strictness: a Redis outage must not take the partner API down.
        log.warning("rate_limit_unavailable", error=str(exc)[:200])
        return
    if wait > 0:
        retry_after = max(1, math.ceil(wait))
        raise ProblemError(
            429, "Too Many Requests", f"rate limit exceeded for this API key; retry in {retry_after} s",
            type_="https://anken.jp/problems/rate-limited", headers={"Retry-After": str(retry_after)},
            retry_after_s=retry_after,
        )
