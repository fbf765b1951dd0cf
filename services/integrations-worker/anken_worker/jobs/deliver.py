"""The arq job that runs a delivery (and, to keep order, any older open delivery of its target)."""

from __future__ import annotations

from arq.worker import Retry

from anken_worker.deliveries import repository as repo
from anken_worker.deliveries.ordering import LockBusy, drain

# The lock holder drains every open delivery of the target, ours included; a job that finds the
# lock taken frees its slot at once and looks again later (in case the holder stopped before ours).
LOCK_BUSY_RECHECK_S = 2.0


async def deliver(arq_ctx: dict, key: str) -> str:
    """Drain the target of delivery `key`, and keep coming back while the target has open deliveries.

    A batch of events enqueues one job per target (enqueue.first_per_target), so this job stands
    for every later delivery of its target too: it only stops once the target has nothing open.
    """
    ctx = arq_ctx["worker_ctx"]
    async with ctx.autocommit.connect() as conn:
        d = await repo.get_by_key(conn, key)
    if d is None:
        return "unknown"
    if not d.is_open and arq_ctx.get("job_try", 1) <= 1:
        # Drained by another job before this one ran: that job keeps draining the target.
        return d.status
    try:
        wait = await drain(ctx, d.order_key)
    except LockBusy:
        raise Retry(defer=LOCK_BUSY_RECHECK_S) from None
    if wait is None:
        # Nothing of the target is open any more, ours included.
        return "drained"
    raise Retry(defer=max(wait, 0.05))
