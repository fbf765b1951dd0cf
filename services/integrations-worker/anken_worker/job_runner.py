"""The arq worker inside `anken-worker run`: the delivery jobs (deliveries.jobs) and the cron jobs
(cron.jobs), on a queue and with job and cron names carrying the Redis namespace."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, cast

from arq import cron
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.cron import CronJob
from arq.typing import WorkerCoroutine
from arq.worker import Worker, func

from anken_worker.context import WorkerContext
from anken_worker.cron import jobs as scheduled
from anken_worker.deliveries.jobs import WORKER_CTX, DeliveryWorker, deliver, deliver_targets
from anken_worker.deliveries.queue import DELIVER_JOB, DELIVER_TARGETS_JOB
from anken_worker.jobs.serialization import ARQ_SERIALIZERS
from anken_worker.settings import WorkerSettings

EVERY_5_MIN = set(range(0, 60, 5))
EVERY_15_MIN = {0, 15, 30, 45}


async def create_arq_pool(settings: WorkerSettings) -> ArqRedis:
    # Every pool that enqueues and the worker that runs use the same (non-pickle) serialisation.
    return await create_pool(RedisSettings.from_dsn(settings.redis_url), default_queue_name=settings.arq_queue,
                             **ARQ_SERIALIZERS)


def _cron_jobs(settings: WorkerSettings) -> list[CronJob]:
    ns = settings.redis_namespace

    def wrap(fn: Callable[[WorkerContext], Awaitable[object]]) -> WorkerCoroutine:
        async def job(arq_ctx: dict[str, Any]) -> object:
            worker_ctx: WorkerContext = arq_ctx[WORKER_CTX]
            return await fn(worker_ctx)

        job.__qualname__ = job.__name__ = fn.__name__
        return cast(WorkerCoroutine, job)

    return [
        cron(wrap(scheduled.end_of_day_reports), name=f"{ns}:cron:end_of_day", minute=EVERY_5_MIN, run_at_startup=False),
        cron(wrap(scheduled.pace_check), name=f"{ns}:cron:pace_check", minute=EVERY_15_MIN),
        cron(wrap(scheduled.weekly_forecast_snapshot), name=f"{ns}:cron:forecast_snapshot", minute=EVERY_15_MIN),
        cron(wrap(scheduled.sheet_status_pull), name=f"{ns}:cron:sheet_status_pull", minute=EVERY_15_MIN),
    ]


def build_worker(settings: WorkerSettings, pool: ArqRedis, worker_ctx: WorkerContext, *, cron: bool = True, queue: str | None = None) -> Worker:
    return DeliveryWorker(
        functions=[
            func(cast(WorkerCoroutine, deliver), name=DELIVER_JOB, max_tries=1_000_000, timeout=settings.job_timeout_s),
            # Its drains share the job: each may run its budget (job_timeout_s / 2) plus one last attempt.
            # Run again after a crash (a drain that finds nothing open costs one statement).
            func(cast(WorkerCoroutine, deliver_targets), name=DELIVER_TARGETS_JOB, max_tries=3, timeout=settings.job_timeout_s * 2),
        ],
        cron_jobs=_cron_jobs(settings) if settings.cron_enabled and cron else None,
        queue_name=queue or settings.arq_queue,
        redis_pool=pool,
        max_jobs=settings.worker_max_jobs,
        job_timeout=settings.job_timeout_s,
        keep_result=3600,
        poll_delay=0.05,
        handle_signals=False,
        health_check_key=f"{settings.redis_namespace}:arq:health-check",
        ctx={WORKER_CTX: worker_ctx},
        **ARQ_SERIALIZERS,
    )
