"""projects-api in process (LifespanManager + ASGITransport) against the session's real database."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager

from anken_projects.main import create_app
from projects_calls.call_floor_fixtures import Floor, build_floor, make_settings


@pytest.fixture(scope="session")
async def app(service_env: dict[str, str]) -> AsyncIterator:
    application = create_app(make_settings(service_env))
    async with LifespanManager(application):
        yield application


@pytest.fixture(scope="session")
async def api(app) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://projects.test",
                                 timeout=120) as client:
        yield client


@pytest.fixture(scope="session")
def resources(app):
    return app.state.resources


@pytest.fixture
async def floor(resources) -> Floor:
    return await build_floor(resources)
