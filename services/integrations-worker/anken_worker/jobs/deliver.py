"""The arq job that runs a delivery (and, to keep order, any older open delivery of its target)."""

from __future__ import annotations

from arq.worker import Retry

from anken_worker.deliveries import repository as repo
from anken_worker.deliveries.ordering import LockBusy, drain

# The lock holder drains every open delivery of the target, ours included; a job that finds the
# lock taken frees its slot at once and looks again later (in case the holder stopped before ours).
LOCK_BUSY_RECHECK_S = 2.0


async def deliver(arq_ctx: dict, key: str) -> str:
    ctx = arq_ctx["worker_ctx"]
    async with ctx.autocommit.connect() as conn:
        d = await repo.get_by_key(conn, key)
    if d is None or not d.is_open:
        return d.status if d else "unknown"
    try:
        wait = await drain(ctx, d.order_key)
    except LockBusy:
        raise Retry(defer=LOCK_BUSY_RECHECK_S) from None
    if wait is None:
        # Nothing of the order key is open any more, ours included.
        return "drained"
    async with ctx.autocommit.connect() as conn:
        d = await repo.get_by_key(conn, key)
    if d is None or not d.is_open:
        return d.status if d else "unknown"
    raise Retry(defer=max(wait or 0.0, 0.05))
