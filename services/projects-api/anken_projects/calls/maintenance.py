"""The call floor's periodic upkeep, started in the app's lifespan: call partitions ahead of time
and expired Idempotency-Key responses removed."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncEngine

from anken_common.logging import get_logger
from anken_common.stopping import sleep_or_stop
from anken_projects.calls.partitions import ensure_call_partitions
from anken_projects.idempotency.retention import purge_expired_keys

log = get_logger("anken.call_floor_maintenance")
INTERVAL_S = 6 * 3600


async def run_call_floor_maintenance(engine: AsyncEngine, stop: asyncio.Event, interval_s: float = INTERVAL_S) -> None:
    """At start-up and then every `interval_s`, until `stop` is set. A failed step is retried next round."""
    while not stop.is_set():
        for step in (ensure_call_partitions, purge_expired_keys):
            try:
                await step(engine)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("call_floor_maintenance_error", step=step.__name__, error=str(exc)[:200])
        await sleep_or_stop(stop, interval_s)
