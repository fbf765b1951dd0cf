"""Engine, sessions and Redis handles shared by the HTTP API and the arq jobs of one process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, cast

from fastapi import Depends, Request
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from anken_common.database import make_sessionmaker
from anken_worker.context import WorkerContext
from anken_worker.settings import SCHEMA, WorkerSettings


def worker_engine(settings: WorkerSettings) -> AsyncEngine:
    """The worker's engine: like anken_common's, but sized for many concurrent jobs and without a
    ping before every checkout (each delivery checks out several times; a dropped connection fails
    one attempt, which is retried like any transient error)."""
    return create_async_engine(
        settings.async_database_url, pool_size=settings.db_pool_size, max_overflow=settings.db_pool_overflow,
        pool_pre_ping=False, pool_recycle=1800,
        connect_args={"server_settings": {"search_path": f"{SCHEMA},public", "application_name": f"anken-{SCHEMA}"}},
    )


class Resources:
    """Process-wide handles, created in the app's lifespan and kept on app.state."""

    def __init__(self, settings: WorkerSettings) -> None:
        self.settings = settings
        self.engine: AsyncEngine = worker_engine(settings)
        self.sessionmaker: async_sessionmaker[AsyncSession] = make_sessionmaker(self.engine)
        self.redis: Redis = Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=2)
        self.ctx = WorkerContext.create(settings, self.engine, self.redis)

    async def close(self) -> None:
        await self.ctx.close()
        await self.redis.aclose()
        await self.engine.dispose()


def get_resources(request: Request) -> Resources:
    return cast("Resources", request.app.state.resources)


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session inside one transaction: committed when the endpoint returns, rolled back on error."""
    resources: Resources = request.app.state.resources
    async with resources.sessionmaker() as session, session.begin():
        yield session


async def get_connection(request: Request) -> AsyncIterator[AsyncConnection]:
    """A connection inside one transaction (the worker's queries are SQLAlchemy Core)."""
    resources: Resources = request.app.state.resources
    async with resources.engine.begin() as conn:
        yield conn


def get_context(request: Request) -> WorkerContext:
    return cast("WorkerContext", request.app.state.resources.ctx)


# scope="function": commit before the response is sent, so a 2xx means the write is durable
# (FastAPI's default "request" scope would commit after sending).
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
ConnDep = Annotated[AsyncConnection, Depends(get_connection, scope="function")]
ContextDep = Annotated[WorkerContext, Depends(get_context)]
ResourcesDep = Annotated[Resources, Depends(get_resources)]
