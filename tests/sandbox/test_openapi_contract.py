"""Schemathesis over the sandbox's /openapi.json against the real process: no generated request may
cause a server error. Fault injection is left out (its whole purpose is to answer 5xx on demand)."""

from __future__ import annotations

import time
import traceback

import httpx
import jwt
import pytest
import schemathesis
from cryptography.hazmat.primitives.asymmetric import rsa
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

MAX_EXAMPLES = 15
SKIPPED = {("POST", "/_sandbox/faults")}


@pytest.fixture(scope="module")
def sandbox_service(stack):
    service = stack.start("sandbox")
    httpx.post(f"{service.url}/_sandbox/reset", timeout=5).raise_for_status()
    return service


def _headers(url: str, path: str) -> dict[str, str]:
    if path.startswith("/sheets/"):
        # Earlier generated calls may have changed the config or reset the sandbox: start from a known grant.
        httpx.put(f"{url}/_sandbox/config", json={"oauth_permissive": True, "sheets_quota_per_minute": 10_000},
                  timeout=5).raise_for_status()
        token = httpx.post(f"{url}/oauth2/token", timeout=5, data={
            "grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer",
            "assertion": _assertion(),
        }).json()["access_token"]
        return {"Authorization": f"Bearer {token}"}
    return {"Authorization": "Bearer xoxb-contract-test"}


def _assertion() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    return jwt.encode({"iss": "contract@x.iam.gserviceaccount.com", "scope": "https://www.googleapis.com/auth/spreadsheets",
                       "aud": "https://oauth2.googleapis.com/token", "iat": now, "exp": now + 600}, key, algorithm="RS256")


def test_no_generated_request_causes_a_server_error(sandbox_service) -> None:
    schema = schemathesis.openapi.from_url(f"{sandbox_service.url}/openapi.json")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue
        operations += 1
        try:
            _run_operation(operation, sandbox_service.url, _headers(sandbox_service.url, operation.path))
        except Exception as exc:  # one operation's failure must not hide the others'
            summary = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            failures.append(f"{operation.method.upper()} {operation.path}: {summary[:1500]}")
    assert operations > 25
    assert not failures, f"{len(failures)} of {operations} operations failed:\n\n" + "\n\n".join(failures)


def _run_operation(operation, base_url: str, headers: dict[str, str]) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck), print_blob=False)
    def check(case) -> None:
        case.call_and_validate(base_url=base_url, headers=headers, checks=[not_a_server_error], timeout=30)

    check()
