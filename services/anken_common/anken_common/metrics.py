"""Prometheus metrics: request counts and latency histograms per route template."""

from __future__ import annotations

import hmac
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from anken_common.problems import problem_response

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "anken_http_requests_total", "HTTP requests handled", ["service", "method", "route", "status"], registry=REGISTRY
)
LATENCY = Histogram(
    "anken_http_request_duration_seconds", "HTTP request latency", ["service", "method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10), registry=REGISTRY,
)


def _route_template(scope: Scope) -> str:
    """The template of the route that handled the request (not the raw path, which would make
    one label per id). The router records the matched route in the scope, so nothing is matched
    twice; requests no route matched (404s, early 413s) share one label."""
    route = scope.get("route")
    return getattr(route, "path", None) or "unmatched"


class MetricsMiddleware:
    """Pure ASGI middleware (no BaseHTTPMiddleware) so streaming responses stay streaming."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status_holder = {"status": 500}

        async def _send(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, _send)
        finally:
            route = _route_template(scope)
            method = scope.get("method", "GET")
            REQUESTS.labels(self.service, method, route, str(status_holder["status"])).inc()
            LATENCY.labels(self.service, method, route).observe(time.perf_counter() - start)


async def metrics_endpoint(_: Request) -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


def protected_metrics_endpoint(token: str) -> Callable[[Request], Awaitable[Response]]:
    """/metrics answering only `Authorization: Bearer <token>` (compared in constant time)."""
    expected = f"Bearer {token}".encode()

    async def endpoint(request: Request) -> Response:
        given = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            return problem_response(401, "Unauthorized", "/metrics needs the metrics bearer token",
                                    headers={"WWW-Authenticate": 'Bearer realm="metrics"'})
        return await metrics_endpoint(request)

    return endpoint
