"""The arq job that runs a delivery (and, to keep order, any older open delivery of its target)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

from arq.worker import Retry, Worker

from anken_common.logging import get_logger
from anken_worker.deliveries import repository as repo
from anken_worker.deliveries.context import DeliveryContext
from anken_worker.deliveries.ordering import LockBusy, drain
from anken_worker.deliveries.queue import enqueue_later

log = get_logger("anken.worker.jobs")
# A drain spends at most its budget (job_timeout_s / 2) plus one attempt; one still running this long
# is stuck somewhere, and its target's later deliveries wait for the job's timeout to free the lock.
OVERDUE_S = 45.0
# The key under which arq's job context carries the process's context (job_runner.build_worker).
WORKER_CTX = "worker_ctx"


def delivery_context(arq_ctx: Mapping[str, Any]) -> DeliveryContext:
    """The process's context, from the job context arq hands every job."""
    ctx: DeliveryContext = arq_ctx[WORKER_CTX]
    return ctx


def _waiting_in(task: asyncio.Future[Any]) -> str:
    """Where a suspended task waits: the chain of coroutines it is inside, innermost last."""
    names: list[str] = []
    coro = task.get_coro() if isinstance(task, asyncio.Task) else None
    while coro is not None and len(names) < 30:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "ag_frame", None)
        if frame is not None:
            names.append(f"{frame.f_code.co_name}:{frame.f_lineno}")
        awaited = getattr(coro, "cr_await", None)
        if awaited is not None and not hasattr(awaited, "cr_frame"):
            names.append(type(awaited).__name__)
            break
        coro = awaited
    return " > ".join(names)


def _report_overdue(tasks: Sequence[asyncio.Future[Any]], targets: list[tuple[str, str]]) -> None:
    for task, (_, order_key) in zip(tasks, targets, strict=True):
        if not task.done():
            log.warning("drain_overdue", order_key=order_key, after_s=OVERDUE_S, waiting_in=_waiting_in(task))


async def deliver(arq_ctx: dict[str, Any], key: str, order_key: str | None = None) -> str:
    """Drain the target of delivery `key`, and keep coming back while the target has open deliveries.

    A batch of events enqueues one job per target (enqueue.first_per_target), so this job stands
    for every later delivery of its target too: it only stops once the target has nothing open.
    The consumer passes the order key along; other callers pass the key alone.
    """
    ctx = delivery_context(arq_ctx)
    if order_key is None:
        async with ctx.autocommit.connect() as conn:
            d = await repo.get_by_key(conn, key)
        if d is None:
            return "unknown"
        if not d.is_open and arq_ctx.get("job_try", 1) <= 1:
            # Drained by another job before this one ran: that job keeps draining the target.
            return d.status
        order_key = d.order_key
    try:
        wait = await drain(ctx, order_key)
    except LockBusy:
        # The holder drains ours too: finding the lock taken left it a mark to look again before it stops.
        return "handed over"
    if wait is None:
        # Nothing of the target is open any more, ours included.
        return "drained"
    raise Retry(defer=max(wait, 0.05))


async def deliver_targets(arq_ctx: dict[str, Any], targets: list[tuple[str, str]]) -> str:
    """Drain many targets at once, given as (delivery key, order key): what the event consumer enqueues.

    One job for a burst's targets instead of one each: arq starts a job with several Redis round
    trips, one job after another, which made the first message of the 600th channel wait seconds.
    Each target is drained exactly as the deliver job drains it (same lock, same order, same
    records); a target whose head must wait for a retry continues as its own deliver job.
    """
    ctx = delivery_context(arq_ctx)
    tasks = [asyncio.ensure_future(drain(ctx, order_key)) for _, order_key in targets]
    watch = asyncio.get_running_loop().call_later(OVERDUE_S, _report_overdue, tasks, targets)
    try:
        results = await asyncio.gather(*tasks, return_exceptions=True)
    finally:
        watch.cancel()
    later = 0
    for (key, order_key), result in zip(targets, results, strict=True):
        if result is None or isinstance(result, LockBusy):
            continue  # drained, or handed over to the lock's holder
        if isinstance(result, BaseException):
            log.warning("drain_failed", order_key=order_key, error=f"{type(result).__name__}: {result}"[:300])
            wait = 1.0
        else:
            wait = max(result, 0.05)
        later += 1
        await enqueue_later(ctx, key, order_key, wait)
    return f"{len(targets) - later} drained, {later} continue later"


class DeliveryWorker(Worker):
    """arq's worker, minus its re-check of jobs it is running itself.

    A job stays in the queue's sorted set until it finishes, so each poll (every 50 ms) reads back
    every running job and, per job, asks Redis whether it is in progress (WATCH, EXISTS, ZSCORE:
    three round trips) only to skip it. Draining jobs sleep for their channels' pacing while they
    run, so 600 busy channels cost ~36,000 pointless round trips a second. A job this worker runs
    is skipped here without asking; anything else is checked by arq exactly as before.
    """

    async def start_jobs(self, job_ids: list[bytes]) -> None:
        running = self.tasks
        await super().start_jobs([j for j in job_ids if j.decode() not in running])
