"""Slowing password guessing: after MAX_FAILURES failed logins for an email within WINDOW_S,
every login for it answers 429 until the window has passed (a success clears the count).

Counts live in Redis under the service namespace; if Redis is unavailable logins still work.
"""

from __future__ import annotations

import hashlib

from redis.asyncio import Redis
from redis.exceptions import RedisError

from anken_common.logging import get_logger
from anken_common.problems import ProblemError

log = get_logger("anken.login_throttle")

MAX_FAILURES = 10
WINDOW_S = 300


def _key(namespace: str, email: str) -> str:
    # Hashed so Redis never holds the email in clear.
    return f"{namespace}:login_failures:{hashlib.sha256(email.lower().encode()).hexdigest()[:32]}"


async def ensure_not_locked(redis: Redis, namespace: str, email: str) -> None:
    key = _key(namespace, email)
    try:
        failures = int(await redis.get(key) or 0)
        if failures < MAX_FAILURES:
            return
        ttl = await redis.ttl(key)
    except (RedisError, OSError) as exc:
        log.warning("login_throttle_unavailable", error=str(exc)[:200])
        return
    retry_after = max(1, int(ttl) if ttl and ttl > 0 else WINDOW_S)
    raise ProblemError(
        429, "Too Many Requests", f"too many failed logins for this email; retry in {retry_after} s",
        type_="https://anken.jp/problems/rate-limited", headers={"Retry-After": str(retry_after)},
        retry_after_s=retry_after,
    )


async def record_failure(redis: Redis, namespace: str, email: str) -> None:
    key = _key(namespace, email)
    try:
        pipe = redis.pipeline(transaction=True)
        pipe.incr(key)
        pipe.expire(key, WINDOW_S, nx=True)
        await pipe.execute()
    except (RedisError, OSError) as exc:
        log.warning("login_throttle_unavailable", error=str(exc)[:200])


async def clear_failures(redis: Redis, namespace: str, email: str) -> None:
    try:
        await redis.delete(_key(namespace, email))
    except (RedisError, OSError) as exc:
        log.warning("login_throttle_unavailable", error=str(exc)[:200])
