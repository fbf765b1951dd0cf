"""Reads shared by the deliveries of one drain (one target, one at a time, for a few seconds): a
flood of messages to one channel reads the channel's project and Slack settings once, not per
message. Outside a drain nothing is remembered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")
_MEMO: ContextVar[dict[Any, Any] | None] = ContextVar("drain_memo", default=None)


@contextmanager
def drain_scope() -> Iterator[None]:
    token = _MEMO.set({})
    try:
        yield
    finally:
        _MEMO.reset(token)


async def remembered(key: Any, load: Callable[[], Awaitable[T]], keep: Callable[[T], bool] = bool) -> T:
    """`load()`'s value, read once per drain; a value `keep` rejects is read again next time."""
    memo = _MEMO.get()
    if memo is not None and key in memo:
        return memo[key]
    value = await load()
    if memo is not None and keep(value):
        memo[key] = value
    return value
