"""Schemathesis over the sandbox's /openapi.json against the real process: no generated request may
cause a server error. Fault injection is left out (its whole purpose is to answer 5xx on demand)."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from harness.contract import NO_SERVER_ERROR, run_contract

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
    url = sandbox_service.url
    run = run_contract(url, lambda operation: _headers(url, operation.path), max_examples=15, checks=NO_SERVER_ERROR,
                       include=lambda operation: (operation.method.upper(), operation.path) not in SKIPPED)
    assert run.operations > 25
    run.assert_no_failures()
