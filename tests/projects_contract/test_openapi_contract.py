"""Schemathesis over projects-api's /openapi.json, as an admin: a bounded, derandomized number of
examples per operation; no response may be a server error or disagree with the documented schema.

Each operation runs as its own Hypothesis test built from `operation.as_strategy()` (the lazy
pytest loader of schemathesis does not work with pytest 9), and every failing operation is
reported together at the end rather than stopping at the first.
"""

from __future__ import annotations

import traceback
from collections import Counter

from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]
MAX_EXAMPLES = 12


def _run_operation(operation, base_url: str, headers: dict[str, str], statuses: Counter) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), print_blob=False)
    def check(case) -> None:
        response = case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=30)
        statuses[(f"{operation.method.upper()} {operation.path}", response.status_code // 100)] += 1

    check()


def test_no_server_errors_and_responses_match_schema(projects_schema, projects_service, admin_headers) -> None:
    failures: list[str] = []
    statuses: Counter = Counter()
    operations = 0
    for result in projects_schema.get_all_operations():
        operation = result.ok()
        operations += 1
        try:
            _run_operation(operation, projects_service.url, admin_headers, statuses)
        except Exception as exc:  # one operation's failure must not hide the others'
            summary = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            failures.append(f"{operation.method.upper()} {operation.path}: {summary[:1500]}")
    assert operations > 10, "the schema lists the API's operations"
    assert not failures, f"{len(failures)} of {operations} operations failed:\n\n" + "\n\n".join(failures)
    # The admin token works: the generated requests reach real handlers, not only 401s.
    reached = {key for key, count in statuses.items() if key[1] == 2}
    assert {("GET /v1/deals", 2), ("GET /v1/pipelines", 2), ("GET /v1/events", 2)} <= reached, sorted(statuses.items())
