"""Schemathesis over every operation of the running worker, as an admin: no generated request may
cause a server error, and every answer must match its documented schema and content type."""

from __future__ import annotations

from harness.contract import admin_headers, run_contract


def test_worker_operations_never_fail_and_match_their_schema(worker, service_env) -> None:
    run = run_contract(worker.url, admin_headers(service_env["ANKEN_SECRET_KEY"]),
                       include=lambda operation: operation.path.startswith(("/v1/", "/slack/")))
    assert run.operations == 17  # with DELETE /v1/webhook-endpoints/{endpoint_id}
    run.assert_no_failures()
    assert {("GET /v1/deliveries", 2), ("GET /v1/integration-health", 2)} <= run.reached(), sorted(run.statuses.items())
