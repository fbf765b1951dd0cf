"""Engine, sessions and the unit of work: one transaction per request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from anken_common.database import make_engine, make_sessionmaker
from anken_reporting.auth.introspection import IntrospectionCache
from anken_reporting.settings import SCHEMA, ReportingSettings


class Resources:
    """Process-wide handles, created in the app's lifespan and kept on app.state."""

    def __init__(self, settings: ReportingSettings) -> None:
        self.settings = settings
        self.engine: AsyncEngine = make_engine(settings.async_database_url, SCHEMA)
        self.sessionmaker: async_sessionmaker[AsyncSession] = make_sessionmaker(self.engine)
        self.redis: Redis = Redis.from_url(settings.redis_url, socket_timeout=5, socket_connect_timeout=2)
        self.introspection = IntrospectionCache(settings)

    async def close(self) -> None:
        await self.introspection.aclose()
        await self.redis.aclose()
        await self.engine.dispose()


def get_resources(request: Request) -> Resources:
    return request.app.state.resources


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session inside one transaction: committed when the endpoint returns, rolled back on error."""
    resources: Resources = request.app.state.resources
    async with resources.sessionmaker() as session, session.begin():
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session)]
ResourcesDep = Annotated[Resources, Depends(get_resources)]
