"""Handing deliveries to arq: one job per delivery whose job id is the delivery key, so
enqueueing the same delivery twice never runs it twice."""

from __future__ import annotations

import asyncio
import uuid
import zlib

from anken_common.logging import get_logger
from anken_worker.deliveries.context import DeliveryContext
from anken_worker.deliveries.lock import covered

log = get_logger("anken.worker.enqueue")
DELIVER_JOB = "deliver"
DELIVER_TARGETS_JOB = "deliver_targets"
ENQUEUE_CONCURRENCY = 100
# Targets per deliver_targets job: a burst to 600 channels is a handful of jobs, not 600 (arq starts
# its jobs one after another, a few Redis round trips each).
TARGETS_PER_JOB = 250


def job_id(ctx: DeliveryContext, key: str) -> str:
    # arq keeps jobs under "arq:job:<id>": the namespace in the id keeps test runs and deployments apart.
    return f"{ctx.settings.redis_namespace}:{key}"


def first_per_target(recorded: list[tuple[str, str]]) -> list[str]:
    """Of (key, order key) pairs in recorded order, the first key of each order key: its job drains
    the target's later deliveries too (see deliveries.jobs), so they need no job of their own, and a
    flood of messages to one channel does not wake a job per message that finds the target busy.
    The sweeper stays the safety net for any delivery left behind."""
    seen: set[str] = set()
    keys = []
    for key, order_key in recorded:
        if order_key not in seen:
            seen.add(order_key)
            keys.append(key)
    return keys


async def wake_targets(ctx: DeliveryContext, recorded: list[tuple[str, str]]) -> None:
    """Get newly recorded deliveries (key, order key) delivered: a target being drained right now is
    asked to look again before its drain stops, a target whose job waits in the queue needs nothing
    more (one pipelined Redis call for the batch); only the others get a job. In a flood to the same
    channels this spares a job per target per batch."""
    first = first_per_target(recorded)
    order_keys = dict(recorded)
    try:
        held = await covered(ctx.redis, [ctx.key("lock", order_keys[k]) for k in first], ctx.settings.lock_ttl_s)
    except Exception as exc:
        log.warning("wake_check_failed", error=str(exc)[:200])
        held = [False] * len(first)
    keys = [k for k, busy in zip(first, held, strict=True) if not busy]
    await enqueue_targets(ctx, [(k, order_keys[k]) for k in keys])


async def enqueue_targets(ctx: DeliveryContext, targets: list[tuple[str, str]]) -> None:
    """One deliver_targets job per worker process's queue (and per TARGETS_PER_JOB targets) for these
    (key, order key) targets. A failure here loses nothing: the sweeper finds overdue deliveries."""
    if ctx.arq is None or not targets:
        return
    by_queue: dict[str, list[tuple[str, str]]] = {}
    for key, order_key in targets:
        by_queue.setdefault(_queue_of(ctx, order_key), []).append((key, order_key))
    try:
        for queue, queued in by_queue.items():
            for i in range(0, len(queued), TARGETS_PER_JOB):
                # Each job is new work: its id only has to be unique (a target drained twice finds its lock taken).
                await ctx.arq.enqueue_job(DELIVER_TARGETS_JOB, queued[i:i + TARGETS_PER_JOB],
                                          _job_id=f"{ctx.settings.redis_namespace}:targets:{uuid.uuid4().hex}",
                                          _queue_name=queue)
    except Exception as exc:
        log.warning("enqueue_failed", count=len(targets), error=str(exc)[:200])


async def enqueue_later(ctx: DeliveryContext, key: str, order_key: str, defer_s: float) -> None:
    """A target to drain again in `defer_s` (its head is waiting for a retry), as its own deliver job."""
    if ctx.arq is None:
        return
    try:
        await ctx.arq.enqueue_job(DELIVER_JOB, key, order_key, _defer_by=defer_s,
                                  _job_id=f"{job_id(ctx, key)}:later:{uuid.uuid4().hex[:12]}",
                                  _queue_name=_queue_of(ctx, order_key))
    except Exception as exc:
        log.warning("enqueue_failed", count=1, error=str(exc)[:200])


def _queue_of(ctx: DeliveryContext, order_key: str) -> str:
    """With extra delivery processes, a target's deliveries go to one of them (by its order key), not
    to the main process: that one consumes the events, and a burst's deliveries on its event loop made
    the next events wait to be recorded (and every paced post wait behind the consumer's batches)."""
    s = ctx.settings
    if s.process_count <= 1:
        return s.arq_queue
    return s.process_queue(1 + zlib.crc32(order_key.encode()) % (s.process_count - 1))


async def enqueue_deliveries(ctx: DeliveryContext, keys: list[str], *, redrive: int | None = None) -> None:
    """Enqueue a job per key on the shared queue (redrives, cron's and the API's deliveries; new
    events' targets go through enqueue_targets). A failure here loses nothing: the sweeper finds
    overdue deliveries."""
    arq = ctx.arq
    if arq is None:
        return

    async def enqueue(key: str) -> None:
        jid = job_id(ctx, key) if redrive is None else f"{job_id(ctx, key)}:redrive:{redrive}"
        await arq.enqueue_job(DELIVER_JOB, key, _job_id=jid, _queue_name=ctx.settings.arq_queue)

    # A few at a time: each enqueue is several Redis round trips (arq checks the job id first).
    for i in range(0, len(keys), ENQUEUE_CONCURRENCY):
        results = await asyncio.gather(*(enqueue(k) for k in keys[i:i + ENQUEUE_CONCURRENCY]), return_exceptions=True)
        failed = [r for r in results if isinstance(r, BaseException)]
        if failed:
            log.warning("enqueue_failed", count=len(failed), error=str(failed[0])[:200])
            return

