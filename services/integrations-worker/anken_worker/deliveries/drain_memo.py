"""Reads shared by deliveries: a flood of messages to one channel reads the channel's project and
Slack settings once per drain (one target, one at a time, for a few seconds), and a burst over many
channels, whose drains end and start again as events arrive, reads them at most once a second.

What is remembered is what the worker's own state said a moment ago; anything in this process that
changes that state (an event about a project, a settings change) forgets it at once, and another
process sees the change within RECENT_S, sooner than an event would reach it through the stream.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection

T = TypeVar("T")
RECENT_S = 1.0
RECENT_MAX = 10_000
_MEMO: ContextVar[dict[Any, Any] | None] = ContextVar("drain_memo", default=None)
_RECENT: dict[Any, tuple[float, Any]] = {}


@contextmanager
def drain_scope() -> Iterator[None]:
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


def forget_recent() -> None:
    """The worker's state changed: nothing read before now is reused outside the drain that read it."""
    _RECENT.clear()


def forget_after_commit(conn: AsyncConnection) -> None:
    """Forget now and again once `conn`'s transaction commits (a drain may read the old row meanwhile)."""
    forget_recent()
    event.listen(conn.sync_connection, "commit", lambda _conn: forget_recent(), once=True)


async def remembered(key: Any, load: Callable[[], Awaitable[T]], keep: Callable[[T], bool] = bool) -> T:
    """`load()`'s value, read once per drain and reused by other drains for RECENT_S; a value `keep`
    rejects is read again next time. Outside a drain nothing is remembered."""
    memo = _MEMO.get()
    if memo is None:
        return await load()
    if key in memo:
        hit: T = memo[key]
        return hit
    now = time.monotonic()
    recent = _RECENT.get(key)
    if recent is not None and now - recent[0] < RECENT_S:
        memo[key] = recent[1]
        kept: T = recent[1]
        return kept
    value = await load()
    if keep(value):
        memo[key] = value
        if len(_RECENT) >= RECENT_MAX:
            _RECENT.clear()
        _RECENT[key] = (now, value)
    return value
