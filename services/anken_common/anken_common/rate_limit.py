"""Token-bucket rate limiting in Redis (partner API keys in projects-api and reporting-api).

One bucket per key: `capacity` requests at once, refilled at `rate_per_s`. Over budget is a 429
with Retry-After. The script uses only HMGET/HSET/EXPIRE, so it runs on every Redis Anken supports
(the embedded 6.2 included).
"""

from __future__ import annotations

import math
import time

from redis.asyncio import Redis
from redis.exceptions import RedisError

from anken_common.logging import get_logger
from anken_common.problems import ProblemError

log = get_logger("anken.rate_limit")

# KEYS[1] = bucket hash; ARGV = capacity, refill per second, now (s, float).
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


async def take_token(redis: Redis, key: str, capacity: int, rate_per_s: float) -> float:
    """Take one token from the bucket; 0.0 when allowed, else seconds until a token is available."""
    allowed, wait = await redis.eval(  # type: ignore[misc]  # redis-py types eval's answer as str | Awaitable[str]
        TOKEN_BUCKET_LUA, 1, key, str(capacity), str(rate_per_s), f"{time.time():.6f}")
    return 0.0 if int(allowed) == 1 else float(wait)


async def enforce_api_key_rate(redis: Redis, bucket: str, capacity: int, rate_per_s: float) -> None:
    """429 with Retry-After when the key is over its budget."""
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
