"""The answer of GET /v1/projects/{id}/pace-status."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

PaceStatusName = Literal["on_track", "at_risk", "behind", "not_running"]


class PaceStatus(BaseModel):
    """Whether a day is a business day of the project, and its month-to-date pace as reporting-api judges it."""

    project_id: uuid.UUID
    as_of: date = Field(description="the project's local day the answer is about")
    business_day: bool = Field(description="a weekday that is neither a Japanese public holiday nor one of the "
                                           "project's extra closed days")
    pace: float | None = Field(description="month-to-date pace (progress ÷ business-day share of the month); "
                                           "null without a target or a business day so far")
    progress_rate: float | None
    status: PaceStatusName | None = Field(description="on_track, at_risk, behind (below the at_risk threshold), "
                                                      "not_running (the project is not active); null without a pace")
    on_track: float = Field(description="pace at or above this is on_track (setting PACE_ON_TRACK)")
    at_risk: float = Field(description="pace at or above this is at_risk, below it behind (setting PACE_AT_RISK)")
    behind: bool = Field(description="status is behind: the director is warned")

    model_config = {"json_schema_extra": {"examples": [{
        "project_id": "6f1c2b3a-4f5e-4d6c-8b7a-0f1e2d3c4b5a", "as_of": "2026-11-18", "business_day": True,
        "pace": 0.72, "progress_rate": 0.41, "status": "behind", "on_track": 1.0, "at_risk": 0.8, "behind": True,
    }]}}
