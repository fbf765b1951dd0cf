"""Quota requests and responses."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from anken_projects.kit.validators import SaneDate

Yen = Annotated[int, Field(strict=True, ge=0, le=1_000_000_000_000, description="Integer yen", examples=[30_000_000])]

QUOTA_EXAMPLE: dict[str, Any] = {"owner_id": "0b6f4c1e-9a57-4f0e-8d3a-5b8f2e7c9d10", "period_start": "2026-04-01",
                 "period_end": "2026-07-01", "amount": 30_000_000}


class QuotaCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [QUOTA_EXAMPLE]})
    owner_id: uuid.UUID = Field(description="A manager or director")
    period_start: SaneDate = Field(description="First day, inclusive")
    period_end: SaneDate = Field(description="Day after the last, exclusive")
    amount: Yen


class QuotaUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"amount": 36_000_000}]})
    amount: Yen


class QuotaOut(BaseModel):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [{
        **QUOTA_EXAMPLE, "id": "5d1e2c3b-4a59-4f6e-8d7c-9b0a1f2e3d4c", "version": 1,
        "created_at": "2026-03-20T10:00:00+09:00", "updated_at": "2026-03-20T10:00:00+09:00"}]})
    id: uuid.UUID
    owner_id: uuid.UUID
    period_start: date
    period_end: date
    amount: int
    version: int
    created_at: datetime
    updated_at: datetime
