"""Pacing before limits are hit: at most one Slack message per channel per interval, and a
per-minute request budget for Google Sheets. State lives in Redis so every worker process shares it."""

from __future__ import annotations

import asyncio
import time

from redis.asyncio import Redis

# Reserve the next slot: returns how many ms the caller must wait before its call.
_RESERVE_SLOT = """
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local nxt = tonumber(redis.call('get', KEYS[1]) or '0')
local slot = math.max(now, nxt)
redis.call('set', KEYS[1], slot + interval, 'px', interval * 2 + (slot - now) + 1000)
return slot - now
"""


async def wait_for_slot(redis: Redis, key: str, interval_s: float) -> float:
    """Reserve the next send slot of `key` (one per `interval_s`) and sleep until it; returns the wait in s."""
    if interval_s <= 0:
        return 0.0
    now_ms = int(time.time() * 1000)
    wait_ms = int(await redis.eval(_RESERVE_SLOT, 1, key, now_ms, int(interval_s * 1000)))
    if wait_ms > 0:
        await asyncio.sleep(wait_ms / 1000)
    return wait_ms / 1000


# After a call: the next slot is at least one interval after the call's answer. The reservation
# alone paces when calls leave; a call delayed after its slot (a busy event loop, a slow connection)
# would otherwise arrive less than an interval before the next one.
_PUSH_SLOT = """
local floor = tonumber(ARGV[1]) + tonumber(ARGV[2])
local nxt = tonumber(redis.call('get', KEYS[1]) or '0')
if floor > nxt then redis.call('set', KEYS[1], floor, 'px', tonumber(ARGV[2]) * 2 + 1000) end
return 0
"""


async def slot_used(redis: Redis, key: str, interval_s: float) -> None:
    """Record that a paced call has just been answered (see _PUSH_SLOT)."""
    if interval_s > 0:
        await redis.eval(_PUSH_SLOT, 1, key, int(time.time() * 1000), int(interval_s * 1000))


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
