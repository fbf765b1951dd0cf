"""Running a target's deliveries one at a time and in recorded order (per Slack channel, per
Confluence page tree, per spreadsheet, per webhook endpoint), across worker processes."""

from __future__ import annotations

import time

from anken_worker.deliveries import repository as repo
from anken_worker.deliveries.context import DeliveryContext
from anken_worker.deliveries.drain_memo import drain_scope
from anken_worker.deliveries.executor import run_counted_attempt
from anken_worker.deliveries.lock import OrderLock
from anken_worker.deliveries.queue import enqueue_deliveries


class LockBusy(Exception):
    """Another job is draining this order key right now."""


async def drain(ctx: DeliveryContext, order_key: str, *, wait_for_lock_s: float = 0.0, budget_s: float | None = None) -> float | None:
    """Attempt the open deliveries of `order_key`, oldest first, while holding its lock.

    Returns None when none is left, or the seconds until the head (which nothing may overtake)
    is due again. Raises LockBusy when another worker holds the key; that worker then drains
    again before it stops (see OrderLock), so the caller's deliveries are not left behind.
    """
    s = ctx.settings
    budget_s = budget_s if budget_s is not None else max(2.0, s.job_timeout_s / 2)
    started = time.monotonic()
    again = False
    while True:
        lock = OrderLock(ctx.redis, ctx.key("lock", order_key), s.lock_ttl_s)
        if not await lock.acquire(wait_for_lock_s, mark=not again):
            if again:
                return None  # taken since our release: its holder sees everything we would
            raise LockBusy(order_key)
        try:
            with drain_scope():
                wait = await _drain_held(ctx, lock, order_key, started, budget_s)
        finally:
            more = await lock.release()
        if wait is None and more:
            # Someone found the lock taken after our last look: look again, or whoever holds it now will.
            wait_for_lock_s, again = 0.0, True
            continue
        return wait


async def _drain_held(ctx: DeliveryContext, lock: OrderLock, order_key: str, started: float, budget_s: float) -> float | None:
    finished: repo.FinalResult | None = None
    try:
        while True:
            if lock.lost or time.monotonic() - started > budget_s:
                return 0.0
            # Recording the last result, finding the head and counting its attempt is one statement,
            # shared with the other drains asking at the same moment (deliveries.claims).
            head, wait = await ctx.claims.claim(order_key, finished)
            finished = None
            if head is None:
                return wait
            retry_in, finished = await run_counted_attempt(ctx, head)
            if retry_in is not None:
                return retry_in
    finally:
        if finished is not None:
            # Leaving without a next claim (budget spent, lock lost, or the claim failed): write it alone.
            async with ctx.autocommit.connect() as conn:
                await repo.record(conn, finished)


async def deliver_now(ctx: DeliveryContext, key: str, order_key: str, *, wait_s: float = 5.0) -> None:
    """Attempt delivery `key` before returning when its target is free within `wait_s` (the webhook
    test-send button answers with the result); when another drain holds the target, queue it instead."""
    try:
        await drain(ctx, order_key, wait_for_lock_s=wait_s, budget_s=wait_s)
    except LockBusy:
        await enqueue_deliveries(ctx, [key])
