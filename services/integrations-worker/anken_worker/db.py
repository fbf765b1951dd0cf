"""Engine, sessions and Redis handles shared by the HTTP API and the arq jobs of one process."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, cast

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from anken_common.resources import ServiceResources, request_resources
from anken_common.resources import SessionDep as SessionDep  # the one session dependency, re-exported
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


class Resources(ServiceResources[WorkerSettings]):
    """Process-wide handles, created in the app's lifespan and kept on app.state."""

    def __init__(self, settings: WorkerSettings) -> None:
        super().__init__(settings, worker_engine(settings))
        self.ctx = WorkerContext.create(settings, self.engine, self.redis)

    async def close(self) -> None:
        await self.ctx.close()
        await super().close()


async def get_connection(request: Request) -> AsyncIterator[AsyncConnection]:
    """A connection inside one transaction (the worker's queries are SQLAlchemy Core)."""
    resources: Resources = request.app.state.resources
    async with resources.engine.begin() as conn:
        yield conn


def get_context(request: Request) -> WorkerContext:
    return cast("WorkerContext", request.app.state.resources.ctx)


ConnDep = Annotated[AsyncConnection, Depends(get_connection, scope="function")]
ContextDep = Annotated[WorkerContext, Depends(get_context)]
ResourcesDep = Annotated[Resources, Depends(request_resources)]
