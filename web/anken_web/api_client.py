"""Calls to Anken's APIs on behalf of the logged-in user (bearer token forwarded).

One pooled httpx client per API, created at startup. Problems answered by an API become
`ApiError` (status, detail, field errors); a 401 becomes `SessionExpired`; an unreachable
API or a timeout becomes `ApiUnavailable`. Pages turn these into sentences for the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from anken_common.request_context import service_http_client
from anken_web.settings import WebSettings

API_NAMES = ("projects", "reporting", "worker", "sandbox")


@dataclass
class ApiError(Exception):
    status: int
    title: str = ""
    detail: str | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    api: str = ""
    body: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.api} answered {self.status}: {self.detail or self.title}"

    @property
    def fields(self) -> list[str]:
        return [str(e.get("field")) for e in self.errors if e.get("field")]


class SessionExpired(Exception):
    """The API refused the user's token (expired or revoked)."""


@dataclass
class ApiUnavailable(Exception):
    api: str
    reason: str

    def __str__(self) -> str:
        return f"{self.api} unavailable: {self.reason}"


def problem_from(response: httpx.Response, api: str) -> ApiError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    raw_errors = body.get("errors")
    errors: list[dict[str, Any]] = raw_errors if isinstance(raw_errors, list) else []
    detail = body.get("detail")
    if isinstance(detail, list):  # FastAPI's plain validation shape
        errors = [{"field": ".".join(str(p) for p in e.get("loc", [])[1:]), "message": e.get("msg")} for e in detail]
        detail = None
    return ApiError(response.status_code, str(body.get("title") or response.reason_phrase), detail, errors, api, body)


class ApiClients:
    """The pooled clients of every API the web talks to."""

    def __init__(self, settings: WebSettings, transport: httpx.AsyncBaseTransport | None = None) -> None:
        urls = {
            "projects": settings.projects_api_url,
            "reporting": settings.reporting_api_url,
            "worker": settings.worker_url,
            "sandbox": settings.sandbox_url,
        }
        extra: dict[str, Any] = {"transport": transport} if transport else {}
        self.clients = {
            name: service_http_client(url, timeout=settings.api_timeout_s, **extra) for name, url in urls.items()
        }

    async def close(self) -> None:
        for client in self.clients.values():
            await client.aclose()

    def for_token(self, token: str | None) -> Api:
        return Api(self, token)


class Api:
    """The APIs as seen by one user (their token on every call)."""

    def __init__(self, clients: ApiClients, token: str | None) -> None:
        self._clients = clients
        self.token = token

    async def request(
        self, api: str, method: str, path: str, *, params: dict[str, Any] | None = None, json: Any = None,
        files: Any = None, data: Any = None, raw: bool = False, headers: dict[str, str] | None = None,
    ) -> Any:
        headers = {**(headers or {}), **({"Authorization": f"Bearer {self.token}"} if self.token else {})}
        clean_params = {k: v for k, v in (params or {}).items() if v not in (None, "")}
        try:
            response = await self._clients.clients[api].request(
                method, path, params=clean_params, json=json, files=files, data=data, headers=headers
            )
        except httpx.TimeoutException as exc:
            raise ApiUnavailable(api, f"timeout: {exc}") from exc
        except httpx.HTTPError as exc:
            raise ApiUnavailable(api, f"{type(exc).__name__}: {exc}") from exc
        if response.status_code == 401 and self.token:
            raise SessionExpired()
        if response.status_code >= 400:
            raise problem_from(response, api)
        if raw:
            return response
        if response.status_code == 204 or not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            return response.text

    async def get(self, api: str, path: str, **params: Any) -> Any:
        return await self.request(api, "GET", path, params=params)

    async def post(self, api: str, path: str, json: Any = None, **kwargs: Any) -> Any:
        return await self.request(api, "POST", path, json=json, **kwargs)

    async def patch(self, api: str, path: str, json: Any = None, headers: dict[str, str] | None = None) -> Any:
        return await self.request(api, "PATCH", path, json=json, headers=headers)

    async def put(self, api: str, path: str, json: Any = None) -> Any:
        return await self.request(api, "PUT", path, json=json)

    async def delete(self, api: str, path: str) -> Any:
        return await self.request(api, "DELETE", path)

    async def try_get(self, api: str, path: str, default: Any = None, **params: Any) -> Any:
        """GET that answers `default` when the resource is missing or the API is down,
        for side panels that must not take the whole page down with them."""
        try:
            return await self.get(api, path, **params)
        except (ApiError, ApiUnavailable):
            return default
