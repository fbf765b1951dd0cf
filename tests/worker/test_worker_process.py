"""The worker started as a real process answers health, readiness, metrics and OpenAPI."""

from __future__ import annotations

import httpx

from harness.processes import wait_ready


def test_worker_health_ready_metrics_openapi(stack) -> None:
    service = stack.start("worker")
    assert httpx.get(f"{service.url}/healthz").json() == {"status": "ok"}
    ready = wait_ready(service.url)
    assert ready["checks"] == {"database": "ok", "redis": "ok"}
    assert "anken_http_requests_total" in httpx.get(f"{service.url}/metrics").text
    spec = httpx.get(f"{service.url}/openapi.json").json()
    assert spec["info"]["title"] == "Anken integrations-worker"
