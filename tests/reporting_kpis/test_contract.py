"""Schemathesis over the KPI, portfolio, A/B, quality, alert and rebuild-progress operations of the
running reporting-api process, as an admin: no generated request may cause a server error, and
every answer must match its documented schema and content type. (POST /v1/admin/rebuild is left
out: it would empty the read models other tests share; test_rebuild covers it.)"""

from __future__ import annotations

import pytest

from harness.contract import admin_headers, run_contract

MINE = {
    ("GET", "/v1/projects/{project_id}/kpis"), ("GET", "/v1/kpis"), ("GET", "/v1/portfolio"),
    ("GET", "/v1/projects/{project_id}/ab-test"), ("GET", "/v1/projects/{project_id}/appointment-quality"),
    ("GET", "/v1/alerts"), ("POST", "/v1/alerts/{alert_id}/acknowledge"), ("GET", "/v1/admin/rebuild/{job_id}"),
}


@pytest.fixture(scope="module")
def reporting_service(stack):
    return stack.start("reporting")


def test_my_operations_never_fail_and_match_their_schema(reporting_service, service_env):
    run = run_contract(reporting_service.url, admin_headers(service_env["ANKEN_SECRET_KEY"]),
                       include=lambda operation: (operation.method.upper(), operation.path) in MINE)
    assert run.operations == len(MINE)
    run.assert_no_failures()
