"""The safety net: deliveries whose job was lost (a worker killed mid-batch, Redis flushed,
enqueue failed) are found in the delivery log and drained. The order-key lock makes this safe
beside the arq jobs."""

from __future__ import annotations

import asyncio
import functools
from contextlib import suppress

from anken_common.logging import get_logger
from anken_worker.deliveries import repository as repo
from anken_worker.deliveries.context import DeliveryContext
from anken_worker.deliveries.ordering import LockBusy, drain

log = get_logger("anken.worker.sweeper")
GRACE_S = 2.0


async def sweep_once(ctx: DeliveryContext, running: dict[str, asyncio.Task[None]], limit: int = 32) -> int:
    async with ctx.engine.connect() as conn:
        overdue = await repo.overdue_order_keys(conn, GRACE_S)
    started = 0
    for order_key, _ in overdue:
        if order_key in running or len(running) >= limit:
            continue
        task = asyncio.create_task(_drain_quietly(ctx, order_key))
        running[order_key] = task
        task.add_done_callback(functools.partial(_forget, running, order_key))
        started += 1
    return started


def _forget(running: dict[str, asyncio.Task[None]], order_key: str, _done: asyncio.Task[None]) -> None:
    running.pop(order_key, None)


async def _drain_quietly(ctx: DeliveryContext, order_key: str) -> None:
    with suppress(LockBusy):
        await drain(ctx, order_key)


async def run_sweeper(ctx: DeliveryContext, stop: asyncio.Event) -> None:
    running: dict[str, asyncio.Task[None]] = {}
    while not stop.is_set():
        try:
            await sweep_once(ctx, running)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("sweeper_error", error=str(exc)[:200])
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), ctx.settings.sweeper_interval_s)
    for task in list(running.values()):
        task.cancel()
