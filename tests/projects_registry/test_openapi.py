"""The registry's OpenAPI reads as a partner manual: every operation is summarised, tagged,
documents its problem responses, and its request and response bodies carry examples."""

from __future__ import annotations

import httpx

from harness.openapi_docs import has_examples

REGISTRY_PREFIXES = ("/v1/clients", "/v1/users", "/v1/api-keys", "/v1/audit-entries", "/v1/auth/introspect")
REGISTRY_PROJECT_PARTS = ("", "/transitions", "/kickoff-items", "/contract-changes", "/assignments", "/worked-hours",
                          "/scripts")


def _is_registry(path: str) -> bool:
    if path.startswith(REGISTRY_PREFIXES):
        return True
    if path == "/v1/projects":
        return True
    rest = path.removeprefix("/v1/projects/{project_id}")
    return rest != path and any(rest == part or (part and rest.startswith(part + "/")) for part in REGISTRY_PROJECT_PARTS)


async def test_every_registry_operation_is_documented(app_client: httpx.AsyncClient) -> None:
    spec = (await app_client.get("/openapi.json")).json()
    checked = 0
    for path, operations in spec["paths"].items():
        if not _is_registry(path):
            continue
        for method, op in operations.items():
            where = f"{method.upper()} {path}"
            checked += 1
            assert op.get("summary"), where
            assert op.get("tags"), where
            problems = [code for code, r in op["responses"].items()
                        if "application/problem+json" in r.get("content", {})]
            assert problems, f"{where} documents no problem responses"
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                assert has_examples(spec, body["schema"]), f"{where} request has no example"
            ok = next((r for code, r in op["responses"].items() if code.startswith("2")), None)
            assert ok is not None, where
            content = ok.get("content", {}).get("application/json")
            if content:
                assert has_examples(spec, content["schema"]), f"{where} response has no example"
    assert checked >= 30
