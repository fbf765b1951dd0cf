"""In-process projects-api for registry tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager

from anken_projects.main import create_app
from anken_projects.settings import ProjectsSettings
from projects_registry.helpers import Actor, make_user


def settings_from(service_env: dict[str, str], **overrides) -> ProjectsSettings:
    values = dict(
        database_url=service_env["DATABASE_URL"], redis_url=service_env["REDIS_URL"],
        redis_namespace=service_env["REDIS_NAMESPACE"], anken_secret_key=service_env["ANKEN_SECRET_KEY"],
        outbox_relay_enabled=False, api_key_rate_capacity=1000, api_key_rate_per_s=1000.0,
    )
    values.update(overrides)
    return ProjectsSettings(**values)


async def _serve(settings: ProjectsSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://projects.test") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


@pytest.fixture(scope="session")
async def app_client(service_env: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    async for client in _serve(settings_from(service_env)):
        yield client


@pytest.fixture(scope="session")
async def tight_client(service_env: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    """The same database, with a tiny API-key token bucket (3 requests, then one per 5 s)."""
    async for client in _serve(settings_from(service_env, api_key_rate_capacity=3, api_key_rate_per_s=0.2)):
        yield client


@pytest.fixture(scope="session")
async def admin(app_client: httpx.AsyncClient) -> Actor:
    return await make_user(app_client, "admin")
