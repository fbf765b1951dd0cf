"""Schemathesis over the KPI, portfolio, A/B, quality, alert and rebuild-progress operations of the
running reporting-api process, as an admin: no generated request may cause a server error, and
every answer must match its documented schema and content type. (POST /v1/admin/rebuild is left
out: it would empty the read models other tests share; test_rebuild covers it.)"""

from __future__ import annotations

import traceback
import uuid
from collections import Counter

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from anken_common.auth_tokens import issue_user_token

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
MAX_EXAMPLES = 10
MINE = {
    ("GET", "/v1/projects/{project_id}/kpis"), ("GET", "/v1/kpis"), ("GET", "/v1/portfolio"),
    ("GET", "/v1/projects/{project_id}/ab-test"), ("GET", "/v1/projects/{project_id}/appointment-quality"),
    ("GET", "/v1/alerts"), ("POST", "/v1/alerts/{alert_id}/acknowledge"), ("GET", "/v1/admin/rebuild/{job_id}"),
}


@pytest.fixture(scope="module")
def reporting_service(stack):
    return stack.start("reporting")


def _run(operation, base_url: str, headers: dict[str, str], statuses: Counter) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), print_blob=False)
    def check(case) -> None:
        response = case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=30)
        statuses[(f"{operation.method.upper()} {operation.path}", response.status_code // 100)] += 1

    check()


def test_my_operations_never_fail_and_match_their_schema(reporting_service, service_env):
    schema = schemathesis.openapi.from_url(f"{reporting_service.url}/openapi.json")
    token = issue_user_token(service_env["ANKEN_SECRET_KEY"], str(uuid.uuid4()), "admin")
    headers = {"Authorization": f"Bearer {token}"}
    failures, statuses, operations = [], Counter(), 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) not in MINE:
            continue
        operations += 1
        try:
            _run(operation, reporting_service.url, headers, statuses)
        except Exception as exc:  # one operation's failure must not hide the others'
            summary = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            failures.append(f"{operation.method.upper()} {operation.path}: {summary[:1500]}")
    assert operations == len(MINE)
    assert not failures, f"{len(failures)} of {operations} operations failed:\n\n" + "\n\n".join(failures)
