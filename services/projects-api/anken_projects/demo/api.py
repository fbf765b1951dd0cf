"""The demo loader's view of the services: JSON over HTTP, failing loudly with the answer's body."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

# A JSON object a service answered (the loader reads the few fields it needs from the APIs' documented answers).
JsonObject = dict[str, Any]


class DemoLoadError(RuntimeError):
    """A service refused a step of the demo load."""


class ServiceApi:
    """One service's HTTP API with one bearer token; every non-2xx answer raises DemoLoadError."""

    def __init__(self, client: httpx.AsyncClient, token: str | None = None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def as_(self, token: str) -> ServiceApi:
        return ServiceApi(self.client, token)

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        response = await self.client.request(method, path, headers=self.headers, **kwargs)
        if response.status_code >= 300:
            raise DemoLoadError(f"{method} {path} answered {response.status_code}: {response.text[:2000]}")
        return response.json() if response.content else None

    async def get(self, path: str, **params: Any) -> Any:
        return await self.request("GET", path, params=params or None)

    async def post(self, path: str, body: Any = None, **kwargs: Any) -> Any:
        return await self.request("POST", path, json=body, **kwargs) if body is not None else \
            await self.request("POST", path, **kwargs)

    async def patch(self, path: str, body: Any) -> Any:
        return await self.request("PATCH", path, json=body)

    async def put(self, path: str, body: Any) -> Any:
        return await self.request("PUT", path, json=body)

    async def all_items(self, path: str, **params: Any) -> list[JsonObject]:
        items: list[JsonObject] = []
        cursor = None
        while True:
            page = await self.get(path, **params, limit=500, **({"cursor": cursor} if cursor else {}))
            items += page["items"]
            cursor = page.get("next_cursor")
            if not cursor:
                return items


async def wait_ready(base_url: str, timeout_s: float = 120) -> None:
    """Poll `/readyz` until the service answers 200 (database and Redis reachable)."""
    deadline = time.monotonic() + timeout_s
    last = "no answer"
    async with httpx.AsyncClient(base_url=base_url, timeout=3) as client:
        while time.monotonic() < deadline:
            try:
                response = await client.get("/readyz")
                if response.status_code == 200:
                    return
                last = f"HTTP {response.status_code} {response.text[:200]}"
            except httpx.HTTPError as exc:
                last = str(exc) or type(exc).__name__
            await asyncio.sleep(0.3)
    raise DemoLoadError(f"{base_url} is not ready after {timeout_s:.0f} s ({last})")
