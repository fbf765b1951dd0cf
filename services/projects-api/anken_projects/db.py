"""Engine, sessions and the unit of work: one transaction per request, outbox rows included."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, Request
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from anken_common.database import make_engine, make_sessionmaker
from anken_projects.settings import SCHEMA, ProjectsSettings


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
