"""The one door through which request-time code, the event consumer and cron jobs hand deliveries
to the job queue. What is behind it (arq jobs, per-process queues, target locks) belongs to
`deliveries` and may change without touching the callers."""

from __future__ import annotations

from anken_worker.deliveries.ordering import deliver_now
from anken_worker.deliveries.queue import enqueue_deliveries, wake_targets

__all__ = ["deliver_now", "enqueue_deliveries", "wake_targets"]
