"""A Redis lock per order key (a Slack channel, a Confluence page tree, a spreadsheet), so that
deliveries to one target run one at a time and in order, across worker processes.

The lock has a TTL renewed while held, so a worker killed with SIGKILL frees it within the TTL.

A caller that finds the lock taken leaves a "more" mark beside it (atomically with finding it
taken), and the holder reads and clears that mark as it releases: a holder that had already seen
the target empty then drains again, so the busy caller can simply go away instead of polling.
A "queued" mark says a job for the key waits in arq and has not started yet (taking the lock clears
it): work recorded meanwhile needs no job of its own, that job will see it.
"""

from __future__ import annotations

import asyncio
import uuid
import weakref
from contextlib import suppress

from redis.asyncio import Redis

from anken_worker.kit.coalescer import Coalescer

# For each lock: KEYS lock, more mark, queued mark; ARGV token, ttl ms, whether to leave the mark when
# the lock is taken. Answers 1 (taken by this call) or 0 per lock. Many drains' tries go in one call.
_TAKE_OR_MARK = """
local taken = {}
for i = 0, #KEYS / 3 - 1 do
  local lock, more, queued = KEYS[i * 3 + 1], KEYS[i * 3 + 2], KEYS[i * 3 + 3]
  local token, ttl, mark = ARGV[i * 3 + 1], ARGV[i * 3 + 2], ARGV[i * 3 + 3]
  redis.call('del', queued)
  if redis.call('set', lock, token, 'NX', 'PX', ttl) then
    taken[i + 1] = 1
  else
    if mark == '1' then redis.call('set', more, '1', 'PX', ttl) end
    taken[i + 1] = 0
  end
end
return taken
"""
# For each lock: KEYS lock, more mark, queued mark; ARGV lock ttl ms, queued ttl ms. Answers 1 per lock
# when its holder or its queued job will see the new work (no job needed), 0 when the caller must enqueue one.
_WAKE = """
local covered = {}
for i = 0, #KEYS / 3 - 1 do
  local lock, more, queued = KEYS[i * 3 + 1], KEYS[i * 3 + 2], KEYS[i * 3 + 3]
  if redis.call('exists', lock) == 1 then
    redis.call('set', more, '1', 'PX', ARGV[1])
    covered[i + 1] = 1
  elseif redis.call('set', queued, '1', 'NX', 'PX', ARGV[2]) then
    covered[i + 1] = 0
  else
    covered[i + 1] = 1
  end
end
return covered
"""
QUEUED_TTL_S = 60.0
# For each lock: KEYS lock, more mark; ARGV token. Answers 1 per lock when a caller asked for more while
# it was held (the mark is cleared).
_RELEASE = """
local more = {}
for i = 0, #KEYS / 2 - 1 do
  if redis.call('get', KEYS[i * 2 + 1]) == ARGV[i + 1] then redis.call('del', KEYS[i * 2 + 1]) end
  more[i + 1] = redis.call('del', KEYS[i * 2 + 2])
end
return more
"""
# For each lock: KEYS lock; ARGV token, ttl ms. Answers 1 per lock still held by its token (now renewed).
_RENEW = """
local held = {}
for i, lock in ipairs(KEYS) do
  if redis.call('get', lock) == ARGV[i * 2 - 1] then
    held[i] = redis.call('pexpire', lock, ARGV[i * 2])
  else
    held[i] = 0
  end
end
return held
"""


async def covered(redis: Redis, lock_keys: list[str], ttl_s: float) -> list[bool]:
    """For each lock key with newly recorded work: True when no job is needed for it, because its
    holder has been asked to drain again before it stops, or a job for it is queued and not started.
    False means the caller must enqueue a job (the key is now marked as having one queued)."""
    if not lock_keys:
        return []
    keys = [k for key in lock_keys for k in (key, f"{key}:more", f"{key}:queued")]
    return [bool(r) for r in await _calls(redis).wake(keys, [int(ttl_s * 1000), int(QUEUED_TTL_S * 1000)])]


class _LockCalls:
    """The lock scripts of one Redis client; the take, renew and release calls of its OrderLocks are batched (kit.coalescer): a
    burst starts hundreds of drains at once, each taking its target's lock."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        # redis-py's scripts: sent by SHA1 (EVALSHA), their text only when the server lacks it.
        self.wake = redis.register_script(_WAKE)
        self._take_or_mark = redis.register_script(_TAKE_OR_MARK)
        self._renew_held = redis.register_script(_RENEW)
        self._release_held = redis.register_script(_RELEASE)
        self.take = Coalescer(self._take)
        self.release = Coalescer(self._release)
        self.renew = Coalescer(self._renew)

    async def _take(self, batch: list[tuple[str, str, str, str, int, str]]) -> list[bool]:
        keys = [k for lock, more, queued, _, _, _ in batch for k in (lock, more, queued)]
        args = [a for _, _, _, token, ttl, mark in batch for a in (token, ttl, mark)]
        return [bool(n) for n in await self._take_or_mark(keys, args)]

    async def _renew(self, batch: list[tuple[str, str, int]]) -> list[bool]:
        args = [a for _, token, ttl in batch for a in (token, ttl)]
        return [bool(n) for n in await self._renew_held([lock for lock, _, _ in batch], args)]

    async def _release(self, batch: list[tuple[str, str, str]]) -> list[bool]:
        keys = [k for lock, more, _ in batch for k in (lock, more)]
        return [bool(n) for n in await self._release_held(keys, [token for _, _, token in batch])]


_CALLS: weakref.WeakKeyDictionary[Redis, _LockCalls] = weakref.WeakKeyDictionary()


def _calls(redis: Redis) -> _LockCalls:
    found = _CALLS.get(redis)
    if found is None:
        found = _CALLS[redis] = _LockCalls(redis)
    return found


class OrderLock:
    def __init__(self, redis: Redis, key: str, ttl_s: float) -> None:
        self.redis = redis
        self._calls = _calls(redis)
        self.key = key
        self.more_key = f"{key}:more"  # see covered
        self.queued_key = f"{key}:queued"
        self.ttl_ms = int(ttl_s * 1000)
        self.token = uuid.uuid4().hex
        self._renewer: asyncio.Task[None] | None = None
        self.lost = False

    async def acquire(self, wait_s: float = 0.0, *, mark: bool = True) -> bool:
        """Try to take the lock, polling for up to `wait_s` seconds; a last failed try leaves the "more" mark
        unless `mark` is False."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_s
        delay = 0.01
        while True:
            last = loop.time() >= deadline
            if await self._calls.take.submit((self.key, self.more_key, self.queued_key, self.token, self.ttl_ms,
                                              "1" if last and mark else "0")):
                self._renewer = asyncio.create_task(self._renew())
                return True
            if last:
                return False
            await asyncio.sleep(min(delay, max(0.0, deadline - loop.time())))
            delay = min(delay * 2, 0.2)

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(self.ttl_ms / 3000)
            try:
                renewed = await self._calls.renew.submit((self.key, self.token, self.ttl_ms))
            except Exception:
                continue
            if not renewed:
                self.lost = True
                return

    async def release(self) -> bool:
        """Release the lock; True when another caller found it taken meanwhile and asked for more."""
        if self._renewer:
            self._renewer.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await self._renewer
            self._renewer = None
        try:
            return await self._calls.release.submit((self.key, self.more_key, self.token))
        except Exception:
            return False
