"""Pacing before limits are hit: at most one Slack message per channel per interval, and a
per-minute request budget for Google Sheets. State lives in Redis so every worker process shares it."""

from __future__ import annotations

import asyncio
import time

from redis.asyncio import Redis

from anken_worker.kit.coalescer import Coalescer

# Reserve the next slot of each key: returns, per key, how many ms the caller must wait before its call.
# ARGV: now ms, then one interval ms per key.
_RESERVE_SLOTS = """
local now = tonumber(ARGV[1])
local waits = {}
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[i + 1])
  local nxt = tonumber(redis.call('get', key) or '0')
  local slot = math.max(now, nxt)
  redis.call('set', key, slot + interval, 'px', interval * 2 + (slot - now) + 1000)
  waits[i] = slot - now
end
return waits
"""

# After a call: the next slot is at least one interval after the call's answer. The reservation
# alone paces when calls leave; a call delayed after its slot (a busy event loop, a slow connection)
# would otherwise arrive less than an interval before the next one. ARGV: now ms, one interval ms per key.
_PUSH_SLOTS = """
local now = tonumber(ARGV[1])
for i, key in ipairs(KEYS) do
  local interval = tonumber(ARGV[i + 1])
  local nxt = tonumber(redis.call('get', key) or '0')
  if now + interval > nxt then redis.call('set', key, now + interval, 'px', interval * 2 + 1000) end
end
return 0
"""


class Pacer:
    """Per-key send slots (one per interval), shared through Redis. The reservations and answers of
    many channels posting at once go to Redis together (see kit.coalescer): one script call each way."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        # redis-py's scripts: sent by SHA1 (EVALSHA), their text only when the server lacks it.
        self._reserve_slots = redis.register_script(_RESERVE_SLOTS)
        self._push_slots = redis.register_script(_PUSH_SLOTS)
        self._reserve = Coalescer(self._reserve_batch)
        self._push = Coalescer(self._push_batch)

    async def _reserve_batch(self, batch: list[tuple[str, int]]) -> list[int]:
        now_ms = int(time.time() * 1000)
        waits = await self._reserve_slots([k for k, _ in batch], [now_ms, *(ms for _, ms in batch)])
        return [int(w) for w in waits]

    async def _push_batch(self, batch: list[tuple[str, int]]) -> list[None]:
        now_ms = int(time.time() * 1000)
        await self._push_slots([k for k, _ in batch], [now_ms, *(ms for _, ms in batch)])
        return [None] * len(batch)

    async def wait_for_slot(self, key: str, interval_s: float) -> float:
        """Reserve the next send slot of `key` (one per `interval_s`) and sleep until it; returns the wait in s."""
        if interval_s <= 0:
            return 0.0
        wait_ms = await self._reserve.submit((key, int(interval_s * 1000)))
        if wait_ms > 0:
            await asyncio.sleep(wait_ms / 1000)
        return wait_ms / 1000

    async def slot_used(self, key: str, interval_s: float) -> None:
        """Record that a paced call has just been answered (see _PUSH_SLOTS)."""
        if interval_s > 0:
            await self._push.submit((key, int(interval_s * 1000)))


async def take_minute_budget(redis: Redis, key: str, per_minute: int) -> None:
    """Count one request in the current minute; when the minute's budget is spent, wait for the next."""
    while True:
        minute = int(time.time() // 60)
        bucket = f"{key}:{minute}"
        used = await redis.incr(bucket)
        if used == 1:
            await redis.expire(bucket, 120)
        if used <= per_minute:
            return
        await asyncio.sleep(max(0.05, (minute + 1) * 60 - time.time()))
