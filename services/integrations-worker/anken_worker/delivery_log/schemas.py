"""Delivery log API models."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

EXAMPLE: dict[str, Any] = {
    "id": "6c0b1f0e-2a8e-4c1d-9b7a-0e4f3d2c1b0a", "idempotency_key": "evt:3f2a…:slack.appointment_report",
    "integration": "slack", "action": "slack.post", "target": "C0123456789", "project_id": None, "client_id": None,
    "source_event_id": None, "source_event_type": "appointment.set", "payload_hash": "9f86d0…", "status": "succeeded",
    "attempts": 2, "last_error": "slack chat.postMessage: rate limited (429)", "response_excerpt": "posted",
    "external_ref": "1732350000.000100", "next_attempt_at": "2026-11-23T10:00:01+09:00",
    "created_at": "2026-11-23T10:00:00+09:00", "updated_at": "2026-11-23T10:00:02+09:00",
    "completed_at": "2026-11-23T10:00:02+09:00",
}


class DeliveryOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})
    id: uuid.UUID
    idempotency_key: str
    integration: str
    action: str
    target: str
    project_id: uuid.UUID | None
    client_id: uuid.UUID | None
    source_event_id: uuid.UUID | None
    source_event_type: str | None
    payload_hash: str
    status: str = Field(description="pending | retrying | succeeded | dead | skipped")
    attempts: int
    last_error: str | None
    response_excerpt: str | None
    external_ref: str | None
    next_attempt_at: datetime
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None


class DeliveryPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [EXAMPLE], "next_cursor": "1042"}]})
    items: list[DeliveryOut]
    next_cursor: str | None


class RedriveResult(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"requeued": 12}]})
    requeued: int = Field(description="Dead and skipped deliveries put back in the queue")
