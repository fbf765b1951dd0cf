"""Reading vendor request bodies by hand, so that a malformed body gets the vendor's error envelope
rather than Anken's 422 problem document."""

from __future__ import annotations

import json
from typing import Any

from fastapi import Request


async def json_object(request: Request) -> dict[str, Any] | None:
    """The body as a JSON object; {} when empty; None when it is not a JSON object."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    return body if isinstance(body, dict) else None


def json_request_body(example: dict[str, Any], description: str = "") -> dict[str, Any]:
    """`openapi_extra` documenting a hand-read JSON body."""
    return {"requestBody": {"required": True, "description": description,
                            "content": {"application/json": {"schema": {"type": "object"}, "example": example}}}}
