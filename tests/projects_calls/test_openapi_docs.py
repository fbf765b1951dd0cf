"""The call floor's OpenAPI reads as a partner manual: every operation is summarised, tagged,
documents its problem responses, and its JSON bodies (request and success response) carry examples."""

from __future__ import annotations

from harness.openapi_docs import has_examples

CALL_FLOOR_PARTS = ("/target-lists", "/targets", "/imports", "/calls", "/next-target", "/appointments", "/do-not-call")


async def test_every_call_floor_operation_is_documented(api) -> None:
    spec = (await api.get("/openapi.json")).json()
    checked = 0
    for path, operations in spec["paths"].items():
        if not any(part in path for part in CALL_FLOOR_PARTS) or "/pipelines" in path:
            continue
        for method, op in operations.items():
            where = f"{method.upper()} {path}"
            checked += 1
            assert op.get("summary") and op.get("tags"), where
            problems = [c for c, r in op["responses"].items() if "application/problem+json" in r.get("content", {})]
            assert problems, f"{where} documents no problem responses"
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                assert has_examples(spec, body["schema"]), f"{where} request has no example"
            ok = next(r for code, r in op["responses"].items() if code.startswith("2"))
            content = ok.get("content", {}).get("application/json")
            if content:
                assert has_examples(spec, content["schema"]), f"{where} response has no example"
    assert checked >= 20, checked
