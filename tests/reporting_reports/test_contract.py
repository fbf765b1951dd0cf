"""Schemathesis over the pipeline, forecast, weekly report and kickoff operations of the running
reporting-api process, as an admin: no generated request may cause a server error, and every
answer must match its documented schema and content type."""

from __future__ import annotations

import pytest

from harness.contract import admin_headers, run_contract

MY_PREFIXES = ("/v1/pipeline", "/v1/forecast", "/v1/projects/{project_id}/weekly-reports",
               "/v1/projects/{project_id}/kickoff-agenda", "/v1/report-links", "/v1/report-comments")


@pytest.fixture(scope="module")
def reporting_service(stack):
    return stack.start("reporting")


def test_my_operations_never_fail_and_match_their_schema(reporting_service, service_env):
    run = run_contract(reporting_service.url, admin_headers(service_env["ANKEN_SECRET_KEY"]),
                       include=lambda operation: operation.path.startswith(MY_PREFIXES))
    # 13 + GET …/weekly-reports/{iso_week}/versions + GET …/weekly-reports (published weeks) + comments (GET,
    # POST) + links (POST; GET, DELETE /v1/report-links; resolve and its 4 downloads) + GET /v1/report-comments
    assert run.operations == 26
    run.assert_no_failures()
    assert {("GET /v1/pipeline/summary", 2), ("GET /v1/forecast", 2)} <= run.reached(), sorted(run.statuses.items())
