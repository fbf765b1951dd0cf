"""Integration settings API models. Secrets go in, never come out."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field, field_validator

from anken_worker.kit.text_rules import storable

IntegrationName = Literal["slack", "confluence", "sheets"]
EXAMPLE: dict[str, Any] = {
    "id": "2d6f3b9a-0c1e-4f7a-8b5d-3e2f1a0b9c8d", "client_id": "5f0c6a52-7f4e-4c33-9a8e-2d1f0e9c8b7a",
    "project_id": None, "integration": "slack",
    "config": {"channel_prefix": "anken", "guest_emails": ["tanaka@client.example.jp"]},
    "has_secret": True, "enabled": True, "updated_at": "2026-11-23T10:00:00+09:00",
}


class IntegrationSettingsIn(BaseModel):
    """Per client (project_id empty) or per project. `config` keys by integration:
    slack: channel_prefix, guest_emails, api_url; confluence: site (xxx.atlassian.net), email, space_id,
    parent_page_id, api_url; sheets: api_url, drive_api_url, token_url. `secret`: the Slack bot token (xoxb-…),
    the Confluence API token, or the Google service-account JSON key."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "client_id": EXAMPLE["client_id"], "integration": "slack", "config": EXAMPLE["config"],
        "secret": "xoxb-1234-5678-abcdef"}]})
    client_id: uuid.UUID
    project_id: uuid.UUID | None = None
    integration: IntegrationName
    config: dict[str, Any] = Field(default_factory=dict)
    secret: str | None = Field(default=None, min_length=8, max_length=20_000, description="Stored encrypted; never returned")
    enabled: bool = True

    @field_validator("config")
    @classmethod
    def _config_storable(cls, value: dict[str, Any]) -> dict[str, Any]:
        return cast("dict[str, Any]", storable(value, max_chars=20_000))

    @field_validator("secret")
    @classmethod
    def _secret_storable(cls, value: str | None) -> str | None:
        return cast("str | None", storable(value))


class IntegrationSettingsOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})
    id: uuid.UUID
    client_id: uuid.UUID
    project_id: uuid.UUID | None
    integration: str
    config: dict[str, Any]
    has_secret: bool
    enabled: bool
    updated_at: datetime


class IntegrationSettingsPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [EXAMPLE], "next_cursor": None}]})
    items: list[IntegrationSettingsOut]
    next_cursor: str | None
