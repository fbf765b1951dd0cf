"""In-process reporting-api against the session's real database and Redis namespace."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager

from anken_reporting.db import Resources
from anken_reporting.main import create_app
from anken_reporting.settings import ReportingSettings


def reporting_settings(service_env: dict[str, str], **overrides) -> ReportingSettings:
    values = {
        "database_url": service_env["DATABASE_URL"],
        "redis_url": service_env["REDIS_URL"],
        "redis_namespace": service_env["REDIS_NAMESPACE"],
        "anken_secret_key": service_env["ANKEN_SECRET_KEY"],
        "anken_env": "test",
        "log_json": True,
        "log_level": "WARNING",
        "event_consumer_enabled": False,
        "outbox_relay_enabled": False,
        "user_status_check": False,  # tokens here name users that exist only in events
    }
    values.update(overrides)
    return ReportingSettings(**values)


@pytest.fixture(scope="session")
def settings(service_env: dict[str, str]) -> ReportingSettings:
    return reporting_settings(service_env)


@pytest.fixture(scope="session")
async def resources(settings: ReportingSettings) -> AsyncIterator[Resources]:
    res = Resources(settings)
    try:
        yield res
    finally:
        await res.close()


@pytest.fixture(scope="session")
async def app_client(settings: ReportingSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with LifespanManager(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://reporting.test"
    ) as client:
        yield client
