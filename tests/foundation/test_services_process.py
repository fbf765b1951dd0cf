"""Every service, started as a real process, serves /healthz, /readyz, /metrics (and the
APIs /openapi.json and /docs)."""

from __future__ import annotations

import httpx
import pytest

from harness.processes import wait_ready

API_TITLES = {"projects": "Anken projects-api", "reporting": "Anken reporting-api"}
WITH_DEPENDENCIES = ("projects", "reporting", "worker", "web")


@pytest.mark.parametrize("name", ["projects", "reporting", "worker", "web", "sandbox"])
def test_service_health_readiness_and_metrics(stack, name) -> None:
    if name == "web":
        stack.start("projects")
        stack.start("reporting")
    service = stack.start(name)
    assert httpx.get(f"{service.url}/healthz").status_code == 200
    if name in WITH_DEPENDENCIES:
        ready = wait_ready(service.url)
        assert all(v == "ok" for v in ready["checks"].values()), ready
    metrics = httpx.get(f"{service.url}/metrics")
    assert metrics.status_code == 200
    assert "anken_http_requests_total" in metrics.text
    assert 'route="/healthz"' in metrics.text


@pytest.mark.parametrize("name", sorted(API_TITLES))
def test_api_serves_openapi_and_docs(stack, name) -> None:
    service = stack.start(name)
    spec = httpx.get(f"{service.url}/openapi.json").json()
    assert spec["info"]["title"] == API_TITLES[name]
    assert len(spec["paths"]) > 3
    assert httpx.get(f"{service.url}/docs").status_code == 200
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method.upper()} {path} has no summary"
