"""reporting-api as a real process: migrated schema, health and readiness."""

from __future__ import annotations

import httpx


def test_reporting_process_is_ready_and_documents_itself(stack) -> None:
    stack.start("reporting")
    base = stack.url("reporting")
    assert httpx.get(f"{base}/readyz", timeout=10).json()["status"] == "ok"
    spec = httpx.get(f"{base}/openapi.json", timeout=10).json()
    assert spec["info"]["title"] == "Anken reporting-api"
