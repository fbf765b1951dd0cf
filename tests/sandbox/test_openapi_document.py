"""The sandbox's OpenAPI document is its manual: every operation has a summary, a tag and documented answers."""

from __future__ import annotations

import httpx


async def test_every_operation_is_documented(sandbox: httpx.AsyncClient) -> None:
    schema = (await sandbox.get("/openapi.json")).json()
    missing = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if not operation.get("summary") or not operation.get("tags"):
                missing.append(f"{method.upper()} {path}: summary/tags")
            if path.startswith(("/_sandbox", "/slack", "/confluence", "/sheets", "/oauth2", "/webhooks")) and not any(
                code.startswith(("4", "5")) for code in operation["responses"]
            ):
                missing.append(f"{method.upper()} {path}: error responses")
    assert not missing, missing
    for path in ("/slack/api/{method}", "/confluence/wiki/api/v2/pages/{page_id}", "/oauth2/token",
                 "/sheets/v4/spreadsheets/{spreadsheet_id}/values/{value_range}", "/webhooks/{endpoint_id}",
                 "/_sandbox/faults", "/_sandbox/slack/messages", "/_sandbox/confluence/pages",
                 "/_sandbox/sheets/spreadsheets", "/_sandbox/webhooks/received", "/_sandbox/requests"):
        assert path in schema["paths"], path
