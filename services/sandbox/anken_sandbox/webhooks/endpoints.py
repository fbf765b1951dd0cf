"""POST /webhooks/{endpoint_id}: the partner's receiving URL."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from anken_sandbox.dependencies import State

router = APIRouter(tags=["sandbox: partner webhook receiver"])


class ReceiverError(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"error": "No matching signature found"}]})

    error: str


class DuplicateAck(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"duplicate": True, "webhook_id": "msg_2b1d"}]})

    duplicate: bool
    webhook_id: str | None


_RECEIVER_ERRORS = {
    400: "Missing or malformed webhook headers", 401: "Signature or timestamp rejected",
    404: "Unknown endpoint", 409: "Replayed message (same webhook-id and timestamp)",
}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "Duplicate of a webhook-id already received", "model": DuplicateAck},
    **{code: {"description": desc, "model": ReceiverError} for code, desc in _RECEIVER_ERRORS.items()},
}


@router.post(
    "/webhooks/{endpoint_id}",
    summary="Receive a Standard Webhooks delivery",
    description="204 when the signature verifies; 200 `{duplicate: true}` for a webhook-id already received "
    "sent again with a fresh timestamp (a sender's retry: acknowledged, not processed twice); 409 for a "
    "byte-identical replay; 400 for missing/malformed headers; 401 for a wrong signature or a timestamp "
    "outside 5 minutes. Every attempt is recorded.",
    status_code=204, response_class=Response,
    responses=RESPONSES,
)
async def receive_webhook(endpoint_id: str, request: Request, state: State) -> Response:
    endpoint = state.webhooks.endpoints.get(endpoint_id)
    if endpoint is None:
        return JSONResponse({"error": "unknown endpoint"}, status_code=404)
    record = state.webhooks.deliver(endpoint, await request.body(), dict(request.headers))
    if record.status == 204:
        return Response(status_code=204)
    if record.duplicate:
        return JSONResponse({"duplicate": True, "webhook_id": record.webhook_id}, status_code=200)
    return JSONResponse({"error": record.reason}, status_code=record.status)
