"""The arq job that runs a delivery (and, to keep order, any older open delivery of its target)."""

from __future__ import annotations

from arq.worker import Retry

from anken_worker.deliveries import repository as repo
from anken_worker.deliveries.ordering import LockBusy, drain


async def deliver(arq_ctx: dict, key: str, order_key: str | None = None) -> str:
    """Drain the target of delivery `key`, and keep coming back while the target has open deliveries.

    A batch of events enqueues one job per target (enqueue.first_per_target), so this job stands
    for every later delivery of its target too: it only stops once the target has nothing open.
    The consumer passes the order key along; other callers pass the key alone.
    """
    ctx = arq_ctx["worker_ctx"]
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
