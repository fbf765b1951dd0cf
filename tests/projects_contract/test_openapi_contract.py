"""Schemathesis over projects-api's /openapi.json, as an admin: a bounded, derandomized number of
examples per operation; no response may be a server error or disagree with the documented schema."""

from __future__ import annotations

from harness.contract import label, run_contract


def test_no_server_errors_and_responses_match_schema(projects_service, admin_headers) -> None:
    # Logout ends every session of the run's admin (tests/security covers it).
    run = run_contract(projects_service.url, admin_headers, max_examples=12,
                       include=lambda operation: label(operation) != "POST /v1/auth/logout")
    assert run.operations > 10, "the schema lists the API's operations"
    run.assert_no_failures()
    # The admin token works: the generated requests reach real handlers, not only 401s.
    assert {("GET /v1/deals", 2), ("GET /v1/pipelines", 2), ("GET /v1/events", 2)} <= run.reached(), sorted(run.statuses.items())
