"""Engine, sessions and the unit of work: one transaction per request, outbox rows included."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, Request
from redis.asyncio import Redis
from sqlalchemy import event, exc
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from anken_common.database import make_sessionmaker
from anken_projects.settings import SCHEMA, ProjectsSettings

# A pre-ping costs three round trips (BEGIN, ";", ROLLBACK) on every checkout, more than the
# statements of a logged call. A connection returned to the pool a moment ago is alive; only one
# that sat idle longer than this (where a database restart would have left it dead) is pinged.
IDLE_PING_AFTER_S = 2.0


def make_engine(async_url: str, schema: str, *, pool_size: int = 10, max_overflow: int = 20) -> AsyncEngine:
    """anken_common.database.make_engine's engine, pinging only connections that sat idle."""
    engine = create_async_engine(
        async_url, pool_size=pool_size, max_overflow=max_overflow,
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


class Resources:
    """Process-wide handles, created in the app's lifespan and kept on app.state."""

    def __init__(self, settings: ProjectsSettings) -> None:
        self.settings = settings
        self.engine: AsyncEngine = make_engine(settings.async_database_url, SCHEMA)
        self.sessionmaker: async_sessionmaker[AsyncSession] = make_sessionmaker(self.engine)
        self.redis: Redis = Redis.from_url(settings.redis_url, socket_timeout=2, socket_connect_timeout=2)

    async def close(self) -> None:
        await self.redis.aclose()
        await self.engine.dispose()


async def get_resources(request: Request) -> Resources:
    # async: FastAPI runs a plain `def` dependency in its thread pool, a thread hop per request.
    return request.app.state.resources


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session inside one transaction: committed when the endpoint returns, rolled back on error."""
    resources: Resources = request.app.state.resources
    async with resources.sessionmaker() as session, session.begin():
        yield session


@asynccontextmanager
async def single_statement(resources: Resources) -> AsyncIterator[Any]:
    """A pooled asyncpg connection with no transaction open, for a hot path that is one statement.

    A statement outside BEGIN … COMMIT is its own transaction (atomic, committed when it ends), so
    such a request saves the BEGIN and COMMIT round trips the unit of work would add. Only for
    requests whose whole effect is that one statement.
    """
    async with resources.engine.connect() as connection:
        # get_raw_connection does not begin SQLAlchemy's transaction; returning the connection
        # to the pool finds none to roll back.
        raw = await connection.get_raw_connection()
        yield raw.driver_connection


# scope="function": commit before the response is sent, so a 2xx means the write is durable and a
# failed commit answers with an error (FastAPI's default "request" scope commits after sending).
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
ResourcesDep = Annotated[Resources, Depends(get_resources)]
