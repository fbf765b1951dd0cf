"""Async SQLAlchemy engine for a service's own schema, with a patient start."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from sqlalchemy import event, exc, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from anken_common.logging import get_logger

log = get_logger("anken.database")


# A pre-ping costs three round trips (BEGIN, ";", ROLLBACK) on every checkout, more than many
# requests' own statements. A connection returned to the pool a moment ago is alive; only one that
# sat idle longer than this (where a database restart would have left it dead) is pinged.
IDLE_PING_AFTER_S = 2.0


def make_engine(async_url: str, schema: str, *, pool_size: int = 10, max_overflow: int = 20) -> AsyncEngine:
    """An engine whose connections search `schema` first, so each service sees its own tables."""
    engine = create_async_engine(
        async_url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        connect_args={"server_settings": {"search_path": f"{schema},public", "application_name": f"anken-{schema}"}},
    )
    event.listen(engine.sync_engine, "checkin", _note_checkin)
    event.listen(engine.sync_engine, "checkout", _ping_if_idle)
    return engine


def _note_checkin(dbapi_connection: Any, record: Any) -> None:
    record.info["checked_in_at"] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    checked_in_at = record.info.get("checked_in_at")  # None: a fresh connection
    if checked_in_at is None or time.monotonic() - checked_in_at < IDLE_PING_AFTER_S:
        return
    try:
        dbapi_connection.ping()
    except Exception as error:
        # Like pool_pre_ping: a dead connection means the server went away; reconnect them all.
        raise exc.InvalidatePoolError() from error


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def wait_for_database(engine: AsyncEngine, *, attempts: int = 30, first_delay: float = 0.2) -> bool:
    """Retry SELECT 1 with exponential backoff (capped at 5 s); log each miss. Returns reachability.

    A service that cannot reach its database keeps running and answers /readyz with 503,
    rather than crash-looping silently.
    """
    delay = first_delay
    for attempt in range(1, attempts + 1):
        try:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception as exc:
            log.warning("database_unreachable", attempt=attempt, retry_in_s=round(delay, 2), error=str(exc)[:200])
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)
    return False
