"""Schemathesis over a running service: each selected operation runs as its own bounded,
derandomized Hypothesis test (the lazy pytest loader of schemathesis does not work with pytest 9),
and every failing operation is reported together rather than stopping at the first."""

from __future__ import annotations

import traceback
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from anken_common.auth_tokens import issue_user_token

NO_SERVER_ERROR = [not_a_server_error]
CONFORMANCE = [not_a_server_error, response_schema_conformance, content_type_conformance]


@dataclass
class ContractRun:
    operations: int = 0
    failures: list[str] = field(default_factory=list)
    # ("METHOD /path", status // 100) → how many generated requests got that answer
    statuses: Counter = field(default_factory=Counter)

    def assert_no_failures(self) -> None:
        assert not self.failures, (
            f"{len(self.failures)} of {self.operations} operations failed:\n\n" + "\n\n".join(self.failures))

    def reached(self) -> set[tuple[str, int]]:
        """The (operation, status class) pairs seen at least once."""
        return set(self.statuses)


def admin_headers(secret_key: str) -> dict[str, str]:
    """A bearer token of an admin user (services trust the signature; no user row is needed)."""
    return {"Authorization": f"Bearer {issue_user_token(secret_key, str(uuid.uuid4()), 'admin')}"}


def label(operation: Any) -> str:
    return f"{operation.method.upper()} {operation.path}"


def run_contract(
    base_url: str,
    headers: dict[str, str] | Callable[[Any], dict[str, str]],
    *,
    include: Callable[[Any], bool] = lambda operation: True,
    max_examples: int = 10,
    checks: list = CONFORMANCE,
    prepare: Callable[[Any], None] | None = None,
) -> ContractRun:
    """Run every included operation of `base_url`/openapi.json; `headers` may depend on the operation,
    `prepare` may adjust a generated case (e.g. put real ids into its path) before it is sent."""
    schema = schemathesis.openapi.from_url(f"{base_url}/openapi.json")
    run = ContractRun()
    for result in schema.get_all_operations():
        operation = result.ok()
        if not include(operation):
            continue
        run.operations += 1
        try:
            _run_operation(operation, base_url, headers(operation) if callable(headers) else headers,
                           max_examples, checks, prepare, run.statuses)
        except Exception as exc:  # one operation's failure must not hide the others'
            summary = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            run.failures.append(f"{label(operation)}: {summary[:1500]}")
    return run


def _run_operation(operation: Any, base_url: str, headers: dict[str, str], max_examples: int, checks: list,
                   prepare: Callable[[Any], None] | None, statuses: Counter) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=max_examples, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), print_blob=False)
    def check(case: Any) -> None:
        if prepare is not None:
            prepare(case)
        response = case.call_and_validate(base_url=base_url, headers=headers, checks=checks, timeout=30)
        statuses[(label(operation), response.status_code // 100)] += 1

    check()
