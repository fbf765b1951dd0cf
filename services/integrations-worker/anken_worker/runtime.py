"""What runs beside the HTTP API in `anken-worker run`: the arq worker (deliveries and cron),
the events consumer and the delivery sweeper."""

from __future__ import annotations

import asyncio
import gc
from contextlib import suppress

import anken_worker.actions  # noqa: F401  (registers every delivery action)
from anken_common.database import wait_for_database
from anken_common.logging import get_logger
from anken_worker.db import Resources
from anken_worker.deliveries.sweeper import run_sweeper
from anken_worker.events.consumer import run_event_consumer
from anken_worker.job_runner import build_worker, create_arq_pool
from anken_worker.worker_metrics import EVENT_LOOP_LAG

log = get_logger("anken.worker.runtime")
LAG_PROBE_EVERY_S = 0.1
# A delivery burst makes and drops futures, tasks and small dicts by the hundred thousand: with the
# default first threshold (700 allocations) the cyclic collector ran thousands of times a second and
# its older generations walked everything alive. On the 600-channel benchmark this threshold gives
# more deliveries per second for less CPU per delivery (figures: bench/README.md).
GC_THRESHOLDS = (10_000, 20, 20)


def quiet_collector() -> None:
    """Leave what startup built (modules, settings, pools) out of the collector, and collect less often."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


async def watch_loop_lag(stop: asyncio.Event) -> None:
    """Observe how late a short sleep wakes up: the time every ready callback waits for its turn."""
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        before = loop.time()
        await asyncio.sleep(LAG_PROBE_EVERY_S)
        EVENT_LOOP_LAG.observe(max(0.0, loop.time() - before - LAG_PROBE_EVERY_S))


async def start_background(resources: Resources, stop: asyncio.Event, *, deliveries_only: bool = False,
                           queue: str | None = None) -> None:
    """Wait for the database and Redis, then run until `stop` is set.

    `deliveries_only` (the extra processes of `anken-worker run`) runs arq delivery jobs alone: one
    consumer keeps the events' order, and cron and the sweeper need only one process.
    """
    settings, ctx = resources.settings, resources.ctx
    await wait_for_database(resources.engine)
    delay = 0.5
    while True:
        try:
            pool = await create_arq_pool(settings)
            break
        except Exception as exc:
            log.warning("redis_unreachable", error=str(exc)[:200], retry_in_s=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10)
    ctx.arq = pool
    worker = build_worker(settings, pool, ctx, cron=not deliveries_only, queue=queue)
    quiet_collector()
    tasks = [asyncio.create_task(worker.main()), asyncio.create_task(watch_loop_lag(stop))]
    if not deliveries_only:
        tasks.append(asyncio.create_task(run_sweeper(ctx, stop)))
    if settings.consumer_enabled and not deliveries_only:
        tasks.append(asyncio.create_task(run_event_consumer(ctx, stop)))
    log.info("worker_started", queue=settings.arq_queue, consumer=settings.consumer_name)
    try:
        await stop.wait()
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with suppress(asyncio.CancelledError, Exception):
                await task
        with suppress(Exception):
            await worker.close()
        ctx.arq = None
        with suppress(Exception):
            await pool.aclose()
