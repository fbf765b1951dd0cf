"""projects-api started as a real process answers health, readiness, metrics and OpenAPI."""

from __future__ import annotations

import httpx

from harness.processes import wait_ready


def test_projects_api_health_ready_metrics_openapi(stack) -> None:
    service = stack.start("projects")
    assert httpx.get(f"{service.url}/healthz").json() == {"status": "ok"}
    ready = wait_ready(service.url)
    assert ready["checks"] == {"database": "ok", "redis": "ok"}
    metrics = httpx.get(f"{service.url}/metrics").text
    assert 'anken_http_requests_total{method="GET",route="/healthz",service="projects-api",status="200"}' in metrics
    assert "anken_http_request_duration_seconds_bucket" in metrics
    # Labels are route templates, never raw ids (one series per route, not per project).
    project_id = "7d0c6b5e-3c1a-4e43-9a52-8f0f1d3b2a10"
    assert httpx.get(f"{service.url}/v1/projects/{project_id}").status_code == 401
    assert httpx.get(f"{service.url}/no/such/path").status_code == 404
    metrics = httpx.get(f"{service.url}/metrics").text
    assert 'route="/v1/projects/{project_id}",service="projects-api",status="401"' in metrics
    assert 'route="unmatched",service="projects-api",status="404"' in metrics
    assert project_id not in metrics
    spec = httpx.get(f"{service.url}/openapi.json").json()
    assert spec["info"]["title"] == "Anken projects-api"
    assert "/v1/auth/token" in spec["paths"]
    assert "Problem" in spec["components"]["schemas"]
    assert httpx.get(f"{service.url}/docs").status_code == 200


def test_validation_error_is_problem_naming_the_field(stack) -> None:
    service = stack.start("projects")
    response = httpx.post(f"{service.url}/v1/auth/token", json={"email": "not-an-email", "password": "x"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == 422
    assert [e["field"] for e in body["errors"]] == ["email"]
    assert body["request_id"] == response.headers["x-request-id"]


def test_request_id_is_echoed(stack) -> None:
    service = stack.start("projects")
    response = httpx.get(f"{service.url}/healthz", headers={"X-Request-ID": "abc123"})
    assert response.headers["x-request-id"] == "abc123"


def test_malformed_json_and_oversized_body_are_problems(stack) -> None:
    service = stack.start("projects")
    bad = httpx.post(f"{service.url}/v1/auth/token", content=b"{not json", headers={"content-type": "application/json"})
    assert bad.status_code == 422
    huge = httpx.post(
        f"{service.url}/v1/auth/token", content=b"x" * (21 * 1024 * 1024), headers={"content-type": "application/json"}
    )
    assert huge.status_code == 413
    assert huge.json()["title"] == "Content Too Large"
