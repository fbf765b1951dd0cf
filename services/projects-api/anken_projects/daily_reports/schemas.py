from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import ConfigDict, Field

from anken_projects.daily_reports.models import TEXT_MAX
from anken_projects.kit.schemas import Output, StrictInput

_EXAMPLE: dict[str, Any] = {
    "hours": 7.5,
    "summary": "架電120件、接続18件、アポ2件。午後は製造業リストの反応が良かった。",
    "good_reactions": "人手不足の話題には関心が高い",
    "objections": "「今は検討していない」「資料だけ送って」",
    "next_actions": "製造業リストを優先し、資料送付先へ再架電",
}


class DailyReportPut(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})
    hours: Decimal = Field(ge=0, le=24, max_digits=4, decimal_places=2,
                           description="Total hours worked that day (0–24); also stored as the day's worked hours")
    summary: str = Field(min_length=1, max_length=TEXT_MAX, description="本日のサマリー")
    good_reactions: str = Field(default="", max_length=TEXT_MAX, description="良い反応")
    objections: str = Field(default="", max_length=TEXT_MAX, description="断り文句・課題")
    next_actions: str = Field(default="", max_length=TEXT_MAX, description="明日のアクション")


class DailyReportOut(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "5e4d3c2b-1a09-4f8e-b7d6-c5b4a3928170", "project_id": "9d7e6c5b-4a39-4281-9f0e-1d2c3b4a5968",
        "member_id": "0b8f3c1e-2f7a-4d8e-9d1c-6a5b4c3d2e1f", "day": "2026-11-20", **_EXAMPLE,
        "created_at": "2026-11-20T18:00:00+09:00", "updated_at": "2026-11-20T18:00:00+09:00", "version": 1,
    }]})
    id: uuid.UUID
    project_id: uuid.UUID
    member_id: uuid.UUID
    day: date
    hours: float
    summary: str
    good_reactions: str
    objections: str
    next_actions: str
    created_at: datetime
    updated_at: datetime
    version: int
