"""A Redis lock per order key (a Slack channel, a Confluence page tree, a spreadsheet), so that
deliveries to one target run one at a time and in order, across worker processes.

The lock has a TTL renewed while held, so a worker killed with SIGKILL frees it within the TTL.
"""

from __future__ import annotations

import asyncio
import uuid
from contextlib import suppress

from redis.asyncio import Redis

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end
"""
_RENEW = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end
"""


class OrderLock:
    def __init__(self, redis: Redis, key: str, ttl_s: float) -> None:
        self.redis = redis
        self.key = key
        self.ttl_ms = int(ttl_s * 1000)
        self.token = uuid.uuid4().hex
        self._renewer: asyncio.Task | None = None
        self.lost = False

    async def acquire(self, wait_s: float = 0.0) -> bool:
        """Try to take the lock, polling for up to `wait_s` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_s
        delay = 0.01
        while True:
            if await self.redis.set(self.key, self.token, nx=True, px=self.ttl_ms):
                self._renewer = asyncio.create_task(self._renew())
                return True
            if loop.time() >= deadline:
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

    async def release(self) -> None:
        if self._renewer:
            self._renewer.cancel()
            with suppress(asyncio.CancelledError, Exception):
                await self._renewer
        with suppress(Exception):
            await self.redis.eval(_RELEASE, 1, self.key, self.token)
