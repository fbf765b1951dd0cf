"""Handing deliveries to arq: one job per delivery whose job id is the delivery key, so
enqueueing the same delivery twice never runs it twice."""

from __future__ import annotations

from anken_common.logging import get_logger

log = get_logger("anken.worker.enqueue")
DELIVER_JOB = "deliver"


def job_id(ctx, key: str) -> str:
    # arq keeps jobs under "arq:job:<id>": the namespace in the id keeps test runs and deployments apart.
    return f"{ctx.settings.redis_namespace}:{key}"


async def enqueue_deliveries(ctx, keys: list[str], *, redrive: int | None = None) -> None:
    """Enqueue a job per key. A failure here loses nothing: the sweeper finds overdue deliveries."""
    if ctx.arq is None:
        return
    for key in keys:
        jid = job_id(ctx, key) if redrive is None else f"{job_id(ctx, key)}:redrive:{redrive}"
        try:
            await ctx.arq.enqueue_job(DELIVER_JOB, key, _job_id=jid, _queue_name=ctx.settings.arq_queue)
        except Exception as exc:
            log.warning("enqueue_failed", key=key, error=str(exc)[:200])
            return
