"""The arq worker inside `anken-worker run`: the deliver job and the cron jobs, on a queue and
with job and cron names carrying the Redis namespace."""

from __future__ import annotations

from arq import cron
from arq.connections import ArqRedis, RedisSettings, create_pool
from arq.worker import Worker, func

from anken_worker.jobs import scheduled
from anken_worker.jobs.deliver import deliver, deliver_targets
from anken_worker.jobs.enqueue import DELIVER_JOB, DELIVER_TARGETS_JOB
from anken_worker.jobs.serialization import ARQ_SERIALIZERS

EVERY_5_MIN = set(range(0, 60, 5))
EVERY_15_MIN = {0, 15, 30, 45}


async def create_arq_pool(settings) -> ArqRedis:
    # Every pool that enqueues and the worker that runs use the same (non-pickle) serialisation.
    return await create_pool(RedisSettings.from_dsn(settings.redis_url), default_queue_name=settings.arq_queue,
                             **ARQ_SERIALIZERS)


def _cron_jobs(settings) -> list:
    ns = settings.redis_namespace

    def wrap(fn):
        async def job(arq_ctx: dict):
            return await fn(arq_ctx["worker_ctx"])

        job.__qualname__ = job.__name__ = fn.__name__
        return job

    return [
        cron(wrap(scheduled.end_of_day_reports), name=f"{ns}:cron:end_of_day", minute=EVERY_5_MIN, run_at_startup=False),
        cron(wrap(scheduled.pace_check), name=f"{ns}:cron:pace_check", minute=EVERY_15_MIN),
        cron(wrap(scheduled.weekly_forecast_snapshot), name=f"{ns}:cron:forecast_snapshot", minute=EVERY_15_MIN),
        cron(wrap(scheduled.sheet_status_pull), name=f"{ns}:cron:sheet_status_pull", minute=EVERY_15_MIN),
    ]


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


def build_worker(settings, pool: ArqRedis, worker_ctx, *, cron: bool = True, queue: str | None = None) -> Worker:
    return DeliveryWorker(
        functions=[
            func(deliver, name=DELIVER_JOB, max_tries=1_000_000, timeout=settings.job_timeout_s),
            # Its drains share the job: each may run its budget (job_timeout_s / 2) plus one last attempt.
            # Run again after a crash (a drain that finds nothing open costs one statement).
            func(deliver_targets, name=DELIVER_TARGETS_JOB, max_tries=3, timeout=settings.job_timeout_s * 2),
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
        ctx={"worker_ctx": worker_ctx},
        **ARQ_SERIALIZERS,
    )
