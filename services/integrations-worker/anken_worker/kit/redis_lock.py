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
from contextlib import suppress

from redis.asyncio import Redis

# KEYS: lock, more mark, queued mark. ARGV: token, ttl ms, whether to leave the mark when the lock is taken.
_TAKE_OR_MARK = """
redis.call('del', KEYS[3])
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if ARGV[3] == '1' then redis.call('set', KEYS[2], '1', 'PX', ARGV[2]) end
return 0
"""
# KEYS: lock, more mark, queued mark. ARGV: lock ttl ms, queued ttl ms. Returns 1 when the key's
# holder or its queued job will see the new work (no job needed), 0 when the caller must enqueue one.
_WAKE = """
if redis.call('exists', KEYS[1]) == 1 then redis.call('set', KEYS[2], '1', 'PX', ARGV[1]) return 1 end
if redis.call('set', KEYS[3], '1', 'NX', 'PX', ARGV[2]) then return 0 end
return 1
"""
QUEUED_TTL_S = 60.0
# Returns 1 when a caller asked for more while the lock was held (the mark is cleared).
_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('del', KEYS[1]) end
return redis.call('del', KEYS[2])
"""
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end
"""


async def covered(redis: Redis, lock_keys: list[str], ttl_s: float) -> list[bool]:
    """For each lock key with newly recorded work: True when no job is needed for it, because its
    holder has been asked to drain again before it stops, or a job for it is queued and not started.
    False means the caller must enqueue a job (the key is now marked as having one queued)."""
    if not lock_keys:
        return []
    pipe = redis.pipeline(transaction=False)
    for key in lock_keys:
        pipe.eval(_WAKE, 3, key, f"{key}:more", f"{key}:queued", int(ttl_s * 1000), int(QUEUED_TTL_S * 1000))
    return [bool(r) for r in await pipe.execute()]


class OrderLock:
    def __init__(self, redis: Redis, key: str, ttl_s: float) -> None:
        self.redis = redis
        self.key = key
        self.more_key = f"{key}:more"  # see covered
        self.queued_key = f"{key}:queued"
        self.ttl_ms = int(ttl_s * 1000)
        self.token = uuid.uuid4().hex
        self._renewer: asyncio.Task | None = None
        self.lost = False

    async def acquire(self, wait_s: float = 0.0, *, mark: bool = True) -> bool:
        """Try to take the lock, polling for up to `wait_s` seconds; a last failed try leaves the "more" mark
        unless `mark` is False."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_s
        delay = 0.01
        while True:
            last = loop.time() >= deadline
            if await self.redis.eval(_TAKE_OR_MARK, 3, self.key, self.more_key, self.queued_key, self.token, self.ttl_ms,
                                     "1" if last and mark else "0"):
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
                renewed = await self.redis.eval(_RENEW, 1, self.key, self.token, self.ttl_ms)
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
            return bool(await self.redis.eval(_RELEASE, 2, self.key, self.more_key, self.token))
        except Exception:
            return False
