"""Engine, sessions and the unit of work: one transaction per request, outbox rows included."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends

from anken_common.database import make_engine
from anken_common.resources import ServiceResources, request_resources
from anken_common.resources import SessionDep as SessionDep  # the one session dependency, re-exported
from anken_projects.settings import SCHEMA, ProjectsSettings


class Resources(ServiceResources[ProjectsSettings]):
    """Process-wide handles, created in the app's lifespan and kept on app.state."""

    def __init__(self, settings: ProjectsSettings) -> None:
        super().__init__(settings, make_engine(settings.async_database_url, SCHEMA), redis_timeout_s=2)


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


ResourcesDep = Annotated[Resources, Depends(request_resources)]
