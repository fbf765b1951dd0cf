"""The sandbox app in-process (fresh state per test) and small helpers to call its emulated vendors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from anken_sandbox.app import create_sandbox_app
from anken_sandbox.settings import SandboxSettings

BOT_TOKEN = "xoxb-1111-2222-sandboxtest"


@pytest.fixture
async def sandbox() -> AsyncIterator[httpx.AsyncClient]:
    app = create_sandbox_app(SandboxSettings(log_level="WARNING"))
    async with LifespanManager(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://sandbox.test"
    ) as client:
        yield client


async def slack(client: httpx.AsyncClient, method: str, token: str | None = BOT_TOKEN, *, json: dict | None = None,
                **form: Any) -> httpx.Response:
    """A Slack call the way slack_sdk makes it: form-encoded, or JSON when `json` is given."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if json is not None:
        return await client.post(f"/slack/api/{method}", json=json, headers=headers)
    return await client.post(f"/slack/api/{method}", data=form, headers=headers)


async def new_channel(client: httpx.AsyncClient, name: str) -> str:
    response = await slack(client, "conversations.create", name=name)
    assert response.json()["ok"], response.json()
    return response.json()["channel"]["id"]
