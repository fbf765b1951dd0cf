"""In-process projects-api for daily-report tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from projects_registry.helpers import Actor, make_user, serve_app, settings_from


@pytest.fixture(scope="session")
async def app_client(service_env: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    async for client in serve_app(settings_from(service_env)):
        yield client


@pytest.fixture(scope="session")
async def admin(app_client: httpx.AsyncClient) -> Actor:
    return await make_user(app_client, "admin")
