"""Pace alert resources."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class AlertStatus(StrEnum):
    open = "open"
    acknowledged = "acknowledged"


class PaceAlert(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "0b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", "project_id": "6f1c2f0e-8a59-4c1b-9a43-1f2d3c4b5a69",
        "member_id": "8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5969", "director_id": None,
        "rule": "contact_to_appointment_rate_low", "day": "2026-11-24", "value": 0.02, "threshold": 0.04,
        "message": "SaaS新規開拓: 山田 さんの本日のコンタクトアポ率が 2.0% です（案件の直近平均 8.0%、基準 4.0% 未満）",
        "status": "open", "raised_at": "2026-11-24T05:12:00+00:00", "acknowledged_at": None, "acknowledged_by": None,
    }]})

    id: uuid.UUID
    project_id: uuid.UUID
    member_id: uuid.UUID
    director_id: uuid.UUID | None
    rule: str = Field(description="contact_to_appointment_rate_low | contact_rate_low | appointments_per_hour_low")
    day: date = Field(description="the member's local working day the alert is about")
    value: float | None
    threshold: float | None
    message: str
    status: AlertStatus
    raised_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None


class AlertPage(BaseModel):
    items: list[PaceAlert]
    next_cursor: str | None = Field(description="pass as `cursor` for the next page; null on the last page")


class AcknowledgeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"acknowledged_by": "slack:U024BE7LH"}]})

    acknowledged_by: str | None = Field(
        default=None, max_length=64,
        description="who acknowledged, when a service acts for a person (e.g. a Slack user); users are recorded as themselves",
    )
