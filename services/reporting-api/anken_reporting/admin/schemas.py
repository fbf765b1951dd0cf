"""Rebuild job resource."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, Field


class RebuildStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"


class RebuildJob(BaseModel):
    id: uuid.UUID
    status: RebuildStatus
    events_applied: int = Field(description="events folded in so far", examples=[120_000])
    pages: int = Field(description="export pages read so far", examples=[120])
    cursor: str | None = Field(description="the export cursor reached", examples=["120000"])
    error: str | None = None
    started_at: datetime
    finished_at: datetime | None
