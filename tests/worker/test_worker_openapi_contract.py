"""Schemathesis over every operation of the running worker, as an admin: no generated request may
cause a server error, and every answer must match its documented schema and content type."""

from __future__ import annotations

import traceback
import uuid
from collections import Counter

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from anken_common.auth_tokens import issue_user_token

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
MAX_EXAMPLES = 10


def _run(operation, base_url: str, headers: dict[str, str], statuses: Counter) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), print_blob=False)
    def check(case) -> None:
        response = case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=30)
        statuses[(f"{operation.method.upper()} {operation.path}", response.status_code // 100)] += 1

    check()


def test_worker_operations_never_fail_and_match_their_schema(worker, service_env) -> None:
    schema = schemathesis.openapi.from_url(f"{worker.url}/openapi.json")
    token = issue_user_token(service_env["ANKEN_SECRET_KEY"], str(uuid.uuid4()), "admin")
    headers = {"Authorization": f"Bearer {token}"}
    failures, statuses, operations = [], Counter(), 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith(("/v1/", "/slack/")):
            continue
        operations += 1
        try:
            _run(operation, worker.url, headers, statuses)
        except Exception as exc:  # one operation's failure must not hide the others'
            summary = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            failures.append(f"{operation.method.upper()} {operation.path}: {summary[:1500]}")
    assert operations == 16
    assert not failures, f"{len(failures)} of {operations} operations failed:\n\n" + "\n\n".join(failures)
    reached = {key for key, count in statuses.items() if key[1] == 2}
    assert {("GET /v1/deliveries", 2), ("GET /v1/integration-health", 2)} <= reached, sorted(statuses.items())
