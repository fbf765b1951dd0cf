"""Handing deliveries to arq: one job per delivery whose job id is the delivery key, so
enqueueing the same delivery twice never runs it twice."""

from __future__ import annotations

import asyncio

from anken_common.logging import get_logger

log = get_logger("anken.worker.enqueue")
DELIVER_JOB = "deliver"
ENQUEUE_CONCURRENCY = 100


def job_id(ctx, key: str) -> str:
    # arq keeps jobs under "arq:job:<id>": the namespace in the id keeps test runs and deployments apart.
    return f"{ctx.settings.redis_namespace}:{key}"


def first_per_target(recorded: list[tuple[str, str]]) -> list[str]:
    """Of (key, order key) pairs in recorded order, the first key of each order key: its job drains
    the target's later deliveries too (see jobs.deliver), so they need no job of their own, and a
    flood of messages to one channel does not wake a job per message that finds the target busy.
    The sweeper stays the safety net for any delivery left behind."""
    seen: set[str] = set()
    keys = []
    for key, order_key in recorded:
        if order_key not in seen:
            seen.add(order_key)
            keys.append(key)
    return keys


async def enqueue_deliveries(ctx, keys: list[str], *, redrive: int | None = None) -> None:
    """Enqueue a job per key. A failure here loses nothing: the sweeper finds overdue deliveries."""
    if ctx.arq is None:
        return

    async def enqueue(key: str) -> None:
        jid = job_id(ctx, key) if redrive is None else f"{job_id(ctx, key)}:redrive:{redrive}"
        await ctx.arq.enqueue_job(DELIVER_JOB, key, _job_id=jid, _queue_name=ctx.settings.arq_queue)

    # A few at a time: each enqueue is several Redis round trips (arq checks the job id first).
    for i in range(0, len(keys), ENQUEUE_CONCURRENCY):
        results = await asyncio.gather(*(enqueue(k) for k in keys[i:i + ENQUEUE_CONCURRENCY]), return_exceptions=True)
        failed = [r for r in results if isinstance(r, BaseException)]
        if failed:
            log.warning("enqueue_failed", count=len(failed), error=str(failed[0])[:200])
            return
