"""Keeping monthly partitions of the calls table ahead of time (the SQL function lives in migration 0003)."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from anken_common.logging import get_logger

log = get_logger("anken.call_partitions")
MONTHS_AHEAD = 3


async def ensure_call_partitions(engine: AsyncEngine, months_ahead: int = MONTHS_AHEAD) -> int:
    """Create the partitions from this month through `months_ahead` months later; returns how many were new."""
    async with engine.begin() as conn:
        created = (await conn.execute(text("SELECT projects.ensure_call_partitions(:n)"), {"n": months_ahead})).scalar_one()
    if created:
        log.info("call_partitions_created", created=created, months_ahead=months_ahead)
    return int(created)
