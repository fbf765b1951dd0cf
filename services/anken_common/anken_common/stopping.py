"""Waiting in background loops so that shutdown interrupts the wait at once."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


async def sleep_or_stop(stop: asyncio.Event, seconds: float) -> bool:
    """Sleep up to `seconds`, returning early (True) as soon as `stop` is set."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
    return stop.is_set()


async def cancel_and_wait(tasks: list[asyncio.Task[Any]] | tuple[asyncio.Task[Any], ...]) -> None:
    """Cancel background tasks and wait for each to finish; their errors are already logged."""
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
