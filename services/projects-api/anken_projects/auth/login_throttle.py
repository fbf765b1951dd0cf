"""Slowing password guessing, per account and per client address.

After ACCOUNT_MAX_FAILURES failed logins for one email within WINDOW_S, every login for that
email answers 429 until the window has passed (a success clears the account's count). After
`ip_max_failures` failed logins from one address (any emails), that address answers 429 the
same way; a success does not clear it, so one valid account cannot launder a guessing run.

An attempt is counted as a failure *before* the password is checked (one Lua script checks both
limits and takes the attempt atomically, giving a new counter its window: the same on every Redis
Anken supports, 6.2 has no `EXPIRE … NX`); a success then gives the address its attempt back and
clears the account. So requests sent in parallel cannot all pass the check while the slow hash
runs. When Redis cannot be reached the throttle does not fail open: it logs at error level and
counts in this process instead, with lower limits.
"""

from __future__ import annotations

import hashlib
import time
import weakref
from dataclasses import dataclass

from redis.asyncio import Redis
from redis.exceptions import RedisError

from anken_common.logging import get_logger
from anken_common.problems import ProblemError
from anken_projects.auth.process_counters import WindowCounters

log = get_logger("anken.login_throttle")

WINDOW_S = 300
ACCOUNT_MAX_FAILURES = 10
# Kept for callers that knew the single limit.
MAX_FAILURES = ACCOUNT_MAX_FAILURES
# While Redis is down each process counts alone, so its limits are lower (several processes add up).
FALLBACK_ACCOUNT_MAX_FAILURES = 5
FALLBACK_IP_FACTOR = 0.5

# Refuse when a key is at its limit (answer its index and TTL); else take the attempt on every key,
# giving a new key its window (what `INCR` + `EXPIRE key s NX` do on 7.x).
_TAKE_ATTEMPT = """
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[i + 1]) then
    return {i, redis.call('TTL', key)}
  end
end
for _, key in ipairs(KEYS) do
  redis.call('INCR', key)
  if redis.call('TTL', key) < 0 then
    redis.call('EXPIRE', key, ARGV[1])
  end
end
return {0, 0}
"""
# A successful login: the address gets its attempt back, the account starts afresh.
_SUCCEEDED = """
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then
  redis.call('DECR', KEYS[2])
end
redis.call('DEL', KEYS[1])
return 1
"""

# After a failed Redis call, logins skip Redis for this long: an unreachable server costs each
# login its connect timeout (2 s, three calls) otherwise, and the error log one line per login.
REDIS_RETRY_AFTER_S = 5.0

_fallback = WindowCounters(WINDOW_S)
# Per Redis client (one per process in service; tests run several apps in one process).
_redis_down_until: weakref.WeakKeyDictionary[Redis, float] = weakref.WeakKeyDictionary()


class _RedisSkipped(RedisError):
    """Redis failed a moment ago; counted in the process without trying it again yet."""


@dataclass(frozen=True)
class LoginAttempt:
    namespace: str
    email: str
    ip: str
    ip_max_failures: int

    def _digest(self, value: str) -> str:
        # Hashed so Redis never holds the email or address in clear.
        return hashlib.sha256(value.encode()).hexdigest()[:32]

    @property
    def account_key(self) -> str:
        return f"{self.namespace}:login_failures:{self._digest(self.email.strip().lower())}"

    @property
    def ip_key(self) -> str:
        return f"{self.namespace}:login_failures_ip:{self._digest(self.ip)}"

    @property
    def fallback_ip_max_failures(self) -> int:
        return max(FALLBACK_ACCOUNT_MAX_FAILURES, int(self.ip_max_failures * FALLBACK_IP_FACTOR))


def _too_many(scope: str, retry_after: float) -> ProblemError:
    seconds = max(1, int(retry_after + 0.999))
    return ProblemError(
        429, "Too Many Requests", f"too many failed logins {scope}; retry in {seconds} s",
        type_="https://anken.jp/problems/rate-limited", headers={"Retry-After": str(seconds)},
        retry_after_s=seconds,
    )


def _check_redis(redis: Redis) -> None:
    if time.monotonic() < _redis_down_until.get(redis, 0.0):
        raise _RedisSkipped("skipped after a recent failure")


def _unavailable(redis: Redis, step: str, exc: BaseException) -> None:
    if isinstance(exc, _RedisSkipped):
        return
    _redis_down_until[redis] = time.monotonic() + REDIS_RETRY_AFTER_S
    log.error("login_throttle_redis_unavailable", step=step, error=str(exc)[:200] or type(exc).__name__,
              fallback="in-process limits", retry_in_s=REDIS_RETRY_AFTER_S)


SCOPES = ("for this email", "from this address")


async def take_attempt(redis: Redis, attempt: LoginAttempt) -> None:
    """Count this login as a failure in advance, or raise 429 when the account or the address has used
    up its failures in this window. Call `succeeded` when the password turns out right."""
    try:
        _check_redis(redis)
        script = redis.register_script(_TAKE_ATTEMPT)
        refused, ttl = await script(keys=[attempt.account_key, attempt.ip_key],
                                    args=[WINDOW_S, ACCOUNT_MAX_FAILURES, attempt.ip_max_failures])
        if refused:
            scope = SCOPES[int(refused) - 1]
            log.warning("login_throttled", scope=scope)
            raise _too_many(scope, ttl if ttl and ttl > 0 else WINDOW_S)
        return
    except (RedisError, OSError) as exc:
        _unavailable(redis, "take", exc)
    limits = (FALLBACK_ACCOUNT_MAX_FAILURES, attempt.fallback_ip_max_failures)
    for key, limit, scope in zip((attempt.account_key, attempt.ip_key), limits, SCOPES, strict=True):
        count, left = _fallback.get(key)
        if count >= limit:
            log.warning("login_throttled", scope=scope)
            raise _too_many(scope, left if left > 0 else WINDOW_S)
    _fallback.incr(attempt.account_key)
    _fallback.incr(attempt.ip_key)


async def succeeded(redis: Redis, attempt: LoginAttempt) -> None:
    """The password was right: the address gets its attempt back and the account starts afresh."""
    _fallback.clear(attempt.account_key)
    _fallback.decr(attempt.ip_key)
    try:
        _check_redis(redis)
        script = redis.register_script(_SUCCEEDED)
        await script(keys=[attempt.account_key, attempt.ip_key])
    except (RedisError, OSError) as exc:
        _unavailable(redis, "succeeded", exc)
