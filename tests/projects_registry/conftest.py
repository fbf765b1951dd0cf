"""In-process projects-api for registry tests."""

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
async def tight_client(service_env: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    """The same database, with a tiny API-key token bucket (3 requests, then one per 50 s)."""
    async for client in serve_app(settings_from(service_env, api_key_rate_capacity=3, api_key_rate_per_s=0.02)):
        yield client


@pytest.fixture(scope="session")
async def admin(app_client: httpx.AsyncClient) -> Actor:
    return await make_user(app_client, "admin")
