"""A service's process-wide handles (database engine and sessions, Redis) and the request
dependencies that hand them out: created in the app's lifespan (anken_common.lifespan), kept on
`app.state.resources`.

Each service subclasses ServiceResources for its own handles (an HTTP client, a job context), uses
`SessionDep` from here and declares its `ResourcesDep` alias over request_resources.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Generic, TypeVar

from fastapi import Depends, Request
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from anken_common.database import make_sessionmaker
from anken_common.settings import CommonSettings

S = TypeVar("S", bound=CommonSettings)


class ServiceResources(Generic[S]):
    """The settings, the engine, its session factory and a Redis client of one process."""

    def __init__(self, settings: S, engine: AsyncEngine, *, redis_timeout_s: float = 5.0) -> None:
        self.settings = settings
        self.engine = engine
        self.sessionmaker: async_sessionmaker[AsyncSession] = make_sessionmaker(engine)
        self.redis: Redis = Redis.from_url(settings.redis_url, socket_timeout=redis_timeout_s, socket_connect_timeout=2)

    async def close(self) -> None:
        """Close what this object opened; a subclass closes its own handles first, then calls this."""
        await self.redis.aclose()
        await self.engine.dispose()


async def request_resources(request: Request) -> ServiceResources[CommonSettings]:
    """The app's resources (async: a plain `def` dependency would cost a thread hop per request)."""
    resources: ServiceResources[CommonSettings] = request.app.state.resources
    return resources


async def request_session(request: Request) -> AsyncIterator[AsyncSession]:
    """A session inside one transaction: committed when the endpoint returns, rolled back on error."""
    resources: ServiceResources[CommonSettings] = request.app.state.resources
    async with resources.sessionmaker() as session, session.begin():
        yield session


# scope="function": commit before the response is sent, so a 2xx means the write is durable and the
# caller's next request sees it, and a failed commit answers with an error. FastAPI's default
# ("request") scope would commit after sending. Every service's endpoints take this one alias.
SessionDep = Annotated[AsyncSession, Depends(request_session, scope="function")]
