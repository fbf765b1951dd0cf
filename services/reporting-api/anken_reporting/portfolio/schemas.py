"""A director's portfolio: every project in one response."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field

from anken_reporting.quality.schemas import QualityFigures


class PaceStatus(StrEnum):
    on_track = "on_track"
    at_risk = "at_risk"
    behind = "behind"
    not_running = "not_running"


class PortfolioProject(BaseModel):
    project_id: uuid.UUID
    name: str = Field(examples=["SaaS新規開拓"])
    client_id: uuid.UUID
    client_name: str | None = Field(examples=["株式会社サンプル"])
    status: str = Field(examples=["active"])
    timezone: str = Field(examples=["Asia/Tokyo"])
    as_of: date
    monthly_appointment_target: int = Field(examples=[30])
    appointments_so_far: int = Field(examples=[14])
    progress_rate: float | None = Field(examples=[0.4667])
    pace: float | None = Field(examples=[1.108])
    pace_status: PaceStatus | None = Field(description="not_running when the project is not active (draft, kickoff, "
                                                       "paused, ended); else on_track when pace ≥ the on-track "
                                                       "threshold, at_risk when ≥ the at-risk threshold, else behind; "
                                                       "null without a pace")
    projected_month_end: float | None = Field(examples=[33.25])
    remaining_targets: int | None = Field(examples=[2400])
    list_exhaustion_date: date | None = Field(examples=["2026-12-18"])
    open_alerts: int = Field(examples=[2])
    next_weekly_meeting: datetime | None = Field(examples=["2026-11-26T10:00:00+09:00"])
    month_quality: QualityFigures | None = Field(
        default=None, description="Appointment quality (DESIGN §3) of the appointments set this month so far "
                                  "(from the 1st through as_of, in the project's time zone)")


class PortfolioThresholds(BaseModel):
    on_track: float = Field(examples=[1.0])
    at_risk: float = Field(examples=[0.8])


class Portfolio(BaseModel):
    director_id: uuid.UUID | None
    thresholds: PortfolioThresholds
    counts: dict[str, int] = Field(description="projects per pace status", examples=[{"on_track": 12, "at_risk": 3, "behind": 2, "not_running": 1}])
    items: list[PortfolioProject]
    next_cursor: str | None = Field(default=None, description="always null: a portfolio is answered whole")
