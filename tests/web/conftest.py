"""In-process anken-web: the app on an ASGI transport, with its API URLs pointing at the test stack."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from asgi_lifespan import LifespanManager

from anken_web.main import create_app
from anken_web.settings import WebSettings


def web_settings(env: dict[str, str], **overrides: object) -> WebSettings:
    keys = ("DATABASE_URL", "REDIS_URL", "REDIS_NAMESPACE", "ANKEN_ENV", "ANKEN_SECRET_KEY",
            "PROJECTS_API_URL", "REPORTING_API_URL", "WORKER_URL", "SANDBOX_URL")
    values = {k.lower(): env[k] for k in keys if k in env}
    values.update(log_json=False, log_level="WARNING")
    values.update(overrides)
    return WebSettings(**values)


@pytest.fixture
async def web(service_env: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(web_settings(service_env))
    async with LifespanManager(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://web.test"
    ) as client:
        client.app = app  # type: ignore[attr-defined]
        yield client
