"""Integration health API models."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

EXAMPLE: dict[str, Any] = {"integration": "slack", "scope": "project:5f0c6a52-7f4e-4c33-9a8e-2d1f0e9c8b7a", "healthy": False,
           "reason": "slack chat.postMessage: is_archived", "since": "2026-11-23T10:00:00+09:00",
           "director_notified_at": "2026-11-23T10:00:01+09:00"}


class IntegrationHealthOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE]})
    integration: str
    scope: str
    healthy: bool
    reason: str | None
    since: datetime
    director_notified_at: datetime | None


class IntegrationHealthPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [EXAMPLE], "next_cursor": None}]})
    items: list[IntegrationHealthOut]
    next_cursor: str | None = None
