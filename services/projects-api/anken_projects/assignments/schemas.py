from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

from pydantic import ConfigDict, Field

from anken_projects.kit.schemas import Output, StrictInput


class AssignmentCreate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"member_id": "0b8f3c1e-2f7a-4d8e-9d1c-6a5b4c3d2e1f", "planned_hours": 80}]})
    member_id: uuid.UUID
    planned_hours: int = Field(default=0, ge=0, le=1000, strict=True, description="Planned hours per month")


class AssignmentUpdate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"planned_hours": 100}]})
    planned_hours: int = Field(ge=0, le=1000, strict=True)


class AssignmentOut(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "7a6b5c4d-3e2f-4101-8f9e-8d7c6b5a4938", "project_id": "9d7e6c5b-4a39-4281-9f0e-1d2c3b4a5968",
        "member_id": "0b8f3c1e-2f7a-4d8e-9d1c-6a5b4c3d2e1f", "member_name": "田中 花子", "planned_hours": 80,
        "created_at": "2026-11-23T09:00:00+09:00", "updated_at": "2026-11-23T09:00:00+09:00", "version": 1,
    }]})
    id: uuid.UUID
    project_id: uuid.UUID
    member_id: uuid.UUID
    member_name: str | None = None
    planned_hours: int
    created_at: datetime
    updated_at: datetime
    version: int


class WorkedHoursPut(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"hours": 6.5}]})
    hours: Decimal = Field(ge=0, le=24, max_digits=4, decimal_places=2, description="Total hours worked that day (0–24)")


class WorkedHoursOut(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "project_id": "9d7e6c5b-4a39-4281-9f0e-1d2c3b4a5968", "member_id": "0b8f3c1e-2f7a-4d8e-9d1c-6a5b4c3d2e1f",
        "day": "2026-11-20", "hours": 6.5, "updated_at": "2026-11-20T18:00:00+09:00", "version": 1,
    }]})
    project_id: uuid.UUID
    member_id: uuid.UUID
    day: date
    hours: float
    updated_at: datetime
    version: int
