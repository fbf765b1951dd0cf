"""Webhook endpoint API models."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal, cast, get_args

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

from anken_worker.kit.text_rules import storable

WebhookEvent = Literal[
    "appointment.set", "appointment.updated", "appointment.held", "appointment.no_show", "appointment.rescheduled",
    "appointment.cancelled", "appointment.qualified", "appointment.unqualified", "appointment.client_deal_reported",
    "weekly_report.published", "project.status_changed",
]
ALL_EVENTS: list[WebhookEvent] = list(get_args(WebhookEvent))

EXAMPLE: dict[str, Any] = {
    "id": "0b8a3c1e-8f1d-4a55-9d8e-1b2c3d4e5f60", "client_id": "5f0c6a52-7f4e-4c33-9a8e-2d1f0e9c8b7a",
    "url": "https://partner.example.jp/anken/webhooks", "description": "本番", "events": ["appointment.set"],
    "active": True, "rotation_expires_at": None, "created_at": "2026-11-23T10:00:00+09:00",
}


class WebhookEndpointCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "client_id": EXAMPLE["client_id"], "url": EXAMPLE["url"], "events": ["appointment.set", "appointment.updated"],
        "description": "本番"}]})
    client_id: uuid.UUID
    url: HttpUrl
    events: list[WebhookEvent] = Field(default_factory=lambda: list(ALL_EVENTS), min_length=1)
    description: str | None = Field(default=None, max_length=200)

    @field_validator("description")
    @classmethod
    def _description_storable(cls, value: str | None) -> str | None:
        return cast("str | None", storable(value))


class WebhookEndpointUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"active": False}]})
    url: HttpUrl | None = None
    events: list[WebhookEvent] | None = Field(default=None, min_length=1)
    description: str | None = Field(default=None, max_length=200)
    active: bool | None = None

    @field_validator("description")
    @classmethod
    def _description_storable(cls, value: str | None) -> str | None:
        return cast("str | None", storable(value))


class WebhookEndpointOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})
    id: uuid.UUID
    client_id: uuid.UUID
    url: str
    description: str | None
    events: list[str]
    active: bool
    rotation_expires_at: datetime | None = Field(description="While set, the previous secret still signs too")
    created_at: datetime


class WebhookEndpointWithSecret(WebhookEndpointOut):
    model_config = ConfigDict(json_schema_extra={"examples": [{**EXAMPLE, "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}]})
    secret: str = Field(description="The signing secret (whsec_…): shown in this response only")


class WebhookEndpointPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [EXAMPLE], "next_cursor": None}]})
    items: list[WebhookEndpointOut]
    next_cursor: str | None


class TrialSendResult(BaseModel):
    """What a test send got: the delivery's status, the endpoint's HTTP status and timing (never its body)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "delivery_id": "9d1e5c2a-7b3f-4e8d-a1c0-6f2b9e8d7c6a", "status": "succeeded", "status_code": 204,
        "duration_ms": 38, "last_error": None}]})
    delivery_id: uuid.UUID
    status: str
    status_code: int | None = Field(description="HTTP status the endpoint answered; null when it did not answer")
    duration_ms: int | None = Field(description="milliseconds until the answer's head (and at most 64 KiB) arrived")
    last_error: str | None
