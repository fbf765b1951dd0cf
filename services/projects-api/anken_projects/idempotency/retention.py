"""How long stored Idempotency-Key responses are kept: long enough for any client's retries."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from anken_projects.idempotency.models import IdempotencyRecord
from anken_projects.kit.models import table_of, utc_now

RETENTION = timedelta(days=7)


async def purge_expired_keys(engine: AsyncEngine, retention: timedelta = RETENTION) -> int:
    """Delete keys older than `retention`; a retry after that runs as a new request. Returns how many."""
    table = table_of(IdempotencyRecord)
    async with engine.begin() as conn:
        result = await conn.execute(sa.delete(table).where(table.c.created_at < utc_now() - retention))
    return result.rowcount or 0
