"""The request id: taken from X-Request-ID or made, logged on every line, passed on to other services."""

from __future__ import annotations

import uuid
from contextvars import ContextVar

import httpx

REQUEST_ID_HEADER = "X-Request-ID"
request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    return request_id_var.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


async def _forward_request_id(request: httpx.Request) -> None:
    rid = request_id_var.get()
    if rid and REQUEST_ID_HEADER not in request.headers:
        request.headers[REQUEST_ID_HEADER] = rid


def service_http_client(base_url: str, *, timeout: float = 10.0, **kwargs: object) -> httpx.AsyncClient:
    """An httpx client for calling another Anken service; it carries the current request id."""
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=timeout,
        event_hooks={"request": [_forward_request_id]},
        limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        **kwargs,  # type: ignore[arg-type]
    )
