"""Async SQLAlchemy engine for a service's own schema, with a patient start."""

from __future__ import annotations

import asyncio

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from anken_common.logging import get_logger

log = get_logger("anken.database")


def make_engine(async_url: str, schema: str, *, pool_size: int = 10, max_overflow: int = 20) -> AsyncEngine:
    """An engine whose connections search `schema` first, so each service sees its own tables."""
    return create_async_engine(
        async_url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        connect_args={"server_settings": {"search_path": f"{schema},public", "application_name": f"anken-{schema}"}},
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
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
