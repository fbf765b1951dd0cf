"""Keeping monthly partitions of the calls table ahead of time (the SQL function lives in migration 0003)."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from anken_common.logging import get_logger

log = get_logger("anken.call_partitions")
MONTHS_AHEAD = 3
INTERVAL_S = 6 * 3600


async def ensure_call_partitions(engine: AsyncEngine, months_ahead: int = MONTHS_AHEAD) -> int:
    """Create the partitions from this month through `months_ahead` months later; returns how many were new."""
    async with engine.begin() as conn:
        created = (await conn.execute(text("SELECT projects.ensure_call_partitions(:n)"), {"n": months_ahead})).scalar_one()
    if created:
        log.info("call_partitions_created", created=created, months_ahead=months_ahead)
    return int(created)


async def run_partition_maintenance(engine: AsyncEngine, stop: asyncio.Event, interval_s: float = INTERVAL_S) -> None:
    """At start-up and then periodically, until `stop` is set. Errors are logged and retried next round."""
    while not stop.is_set():
        try:
            await ensure_call_partitions(engine)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("call_partitions_error", error=str(exc)[:200])
        try:
            await asyncio.wait_for(stop.wait(), interval_s)
        except TimeoutError:
            pass
