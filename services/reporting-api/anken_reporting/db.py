"""Engine, sessions and the unit of work: one transaction per request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from anken_common.database import make_engine
from anken_common.resources import ServiceResources, request_resources
from anken_common.resources import SessionDep as SessionDep  # the one session dependency, re-exported
from anken_reporting.auth.introspection import IntrospectionCache
from anken_reporting.settings import SCHEMA, ReportingSettings


class Resources(ServiceResources[ReportingSettings]):
    """Process-wide handles, created in the app's lifespan and kept on app.state."""

    def __init__(self, settings: ReportingSettings) -> None:
        super().__init__(settings, make_engine(settings.async_database_url, SCHEMA))
        self.introspection = IntrospectionCache(settings)

    async def close(self) -> None:
        await self.introspection.aclose()
        await super().close()


ResourcesDep = Annotated[Resources, Depends(request_resources)]
