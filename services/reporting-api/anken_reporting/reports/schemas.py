"""The weekly report (定例MTG資料): its data, the editable draft, and what publishing answers.

`WeeklyReport` is both the JSON answer and the frozen snapshot stored when a version is
published, so every renderer (HTML, PPTX, XLSX, CSV) works from this one model.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict


class FigureRow(BaseModel):
    """One headline number with last week and the target beside it."""

    key: str = Field(examples=["appointments"])
    label: str = Field(examples=["アポ数"])
    kind: Literal["count", "rate", "hours", "per_hour"] = "count"
    this_week: int | float | None
    last_week: int | float | None
    change: int | float | None = Field(description="this week − last week; null when either is null")
    target: float | None = Field(default=None, description="Target for the week (appointments only)")
    achievement: float | None = Field(default=None, description="this week / target; null without a target")


class MonthProgress(BaseModel):
    as_of: date
    monthly_target: int
    appointments_so_far: int
    progress_rate: float | None
    pace: float | None
    projected_month_end: float | None
    business_days_in_month: int
    elapsed_business_days: int


class MemberRow(BaseModel):
    member_id: str | None
    name: str
    calls: int
    contacts: int
    appointments: int
    contact_rate: float | None
    contact_to_appointment_rate: float | None
    appointment_rate: float | None
    worked_hours: float | None
    appointments_per_hour: float | None


class FunnelStep(BaseModel):
    key: Literal["calls", "contacts", "appointments"]
    label: str
    count: int
    rate_from_previous: float | None = Field(description="This step / the previous step; null for the first")


class DailyPoint(BaseModel):
    day: date
    calls: int
    contacts: int
    appointments: int


class AbVariant(BaseModel):
    variant: str
    calls: int
    contacts: int
    appointments: int
    contact_rate: float | None
    contact_to_appointment_rate: float | None
    contact_rate_ci: list[float] | None = None
    contact_to_appointment_ci: list[float] | None = None


class AbResult(BaseModel):
    """GET /v1/projects/{id}/ab-test for the week, as the report shows it."""

    variants: list[AbVariant]
    patterns: list[AbVariant] = Field(default_factory=list, description="Patterns A and B, industry variants summed")
    z: float | None
    p_value: float | None
    winner: str | None


class ListStatus(BaseModel):
    remaining_targets: int | None = Field(description="Callable targets not yet called")
    first_calls_this_week: int = Field(description="Targets called for the first time this week (list consumed)")
    calls_this_week: int
    average_daily_calls: float | None
    exhaustion_date: date | None


class AppointmentQuality(BaseModel):
    """Appointments set this week and what became of them (partners report outcomes back)."""

    appointments: int
    held: int
    no_show: int
    cancelled: int
    qualified: int
    unqualified: int
    held_rate: float | None = Field(description="held / (held + no_show)")
    no_show_rate: float | None = Field(description="no_show / (held + no_show)")
    qualified_rate: float | None = Field(description="qualified / (qualified + unqualified)")
    deals: int
    won: int
    won_amount: int
    appointment_to_deal_rate: float | None = None
    appointment_to_won_rate: float | None = None


NoteText = Annotated[str, Field(min_length=1, max_length=1000)]


NOTES_EXAMPLE: JsonDict = {
    "good_reactions": ["情シス部門長から『ちょうど検討中』との反応"],
    "objections": ["既存ツールの契約が来年3月まで残っている"],
    "learnings": ["10時台は受付ブロックが少ない"],
}


class ReportNotes(BaseModel):
    """The director's qualitative notes of the week."""

    model_config = ConfigDict(json_schema_extra={"example": NOTES_EXAMPLE})

    good_reactions: list[NoteText] = Field(default_factory=list, max_length=50, description="良い反応")
    objections: list[NoteText] = Field(default_factory=list, max_length=50, description="断り文句・懸念")
    learnings: list[NoteText] = Field(default_factory=list, max_length=50, description="学び")


class NextAction(BaseModel):
    text: str = Field(min_length=1, max_length=500)
    owner: str | None = Field(default=None, max_length=100)
    due: date | None = None


class AgendaSection(BaseModel):
    title: str
    minutes: int
    items: list[str]


class ProjectHeader(BaseModel):
    id: uuid.UUID
    name: str
    client_id: uuid.UUID
    client_name: str | None
    timezone: str


class WeeklyReport(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {
        "project": {"id": "7c1e2f52-0000-4000-8000-000000000001", "name": "クラウド会計 新規開拓",
                    "client_id": "7c1e2f52-0000-4000-8000-000000000002", "client_name": "株式会社サンプル",
                    "timezone": "Asia/Tokyo"},
        "iso_week": "2026-W47", "week_start": "2026-11-16", "week_end": "2026-11-23",
        "status": "draft", "version": None, "published_at": None, "summary": "アポ 8件（先週 6件）／目標 7.0件",
    }})

    project: ProjectHeader
    iso_week: str
    week_start: date
    week_end: date = Field(description="Exclusive: the Monday after")
    status: Literal["draft", "published"]
    version: int | None = Field(description="Published version number; null for the live draft")
    published_at: datetime | None = None
    generated_at: datetime
    summary: str
    figures: list[FigureRow]
    month: MonthProgress
    members: list[MemberRow]
    funnel: list[FunnelStep]
    daily: list[DailyPoint]
    ab_test: AbResult
    list_status: ListStatus
    appointment_quality: AppointmentQuality
    notes: ReportNotes
    next_actions: list[NextAction]
    agenda: list[AgendaSection]
    latest_version: int | None = Field(default=None, description="Highest published version of this week, if any")


class DraftIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {
        "notes": NOTES_EXAMPLE,
        "next_actions": [{"text": "Bパターンのトークを全員に展開", "owner": "山田", "due": "2026-11-27"}],
    }})

    notes: ReportNotes = Field(default_factory=ReportNotes)
    next_actions: list[NextAction] = Field(default_factory=list, max_length=50)


class DraftOut(DraftIn):
    project_id: uuid.UUID
    iso_week: str
    revision: int = Field(description="Increases on every save")
    updated_at: datetime | None


class PublishedOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {
        "project_id": "7c1e2f52-0000-4000-8000-000000000001", "iso_week": "2026-W47", "version": 1,
        "published_at": "2026-11-26T17:00:00+09:00",
        "download_url": "/v1/projects/7c1e2f52-0000-4000-8000-000000000001/weekly-reports/2026-W47.pptx?version=1",
    }})

    project_id: uuid.UUID
    iso_week: str
    version: int
    published_at: datetime
    download_url: str
    report: WeeklyReport


class VersionLinks(BaseModel):
    """API paths of one published version: the report as JSON and its four downloads."""

    report: str
    pptx: str
    xlsx: str
    csv: str
    html: str


_REPORT_PATH_EXAMPLE = "/v1/projects/7c1e2f52-0000-4000-8000-000000000001/weekly-reports/2026-W47"
# Version 2's links, as VersionList and PublishedWeekList show them.
_LINKS_EXAMPLE: JsonDict = {"report": f"{_REPORT_PATH_EXAMPLE}?version=2",
                            **{ext: f"{_REPORT_PATH_EXAMPLE}.{ext}?version=2" for ext in ("pptx", "xlsx", "csv", "html")}}


class PublishedVersion(BaseModel):
    version: int
    published_at: datetime
    published_by: str | None = Field(description="The publishing user's id")
    published_by_name: str | None = Field(default=None, description="The publishing user's name, when known")
    summary: str | None = None
    links: VersionLinks


class VersionList(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {
        "project_id": "7c1e2f52-0000-4000-8000-000000000001", "iso_week": "2026-W47", "latest_version": 2,
        "versions": [{
            "version": 2, "published_at": "2026-11-27T17:00:00+09:00",
            "published_by": "7c1e2f52-0000-4000-8000-000000000003", "published_by_name": "山田 花子",
            "summary": "アポ 8件（先週 6件）／目標 7.0件",
            "links": _LINKS_EXAMPLE,
        }],
    }})

    project_id: uuid.UUID
    iso_week: str
    latest_version: int | None = Field(description="Highest published version; null when none is published")
    versions: list[PublishedVersion] = Field(description="Newest first")


class PublishedWeek(BaseModel):
    iso_week: str = Field(examples=["2026-W47"])
    latest_version: int = Field(examples=[2])
    published_at: datetime = Field(description="When the latest version was published")
    summary: str | None = Field(default=None, examples=["アポ 8件（先週 6件）／目標 7.0件"])
    links: VersionLinks


class PublishedWeekList(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {
        "project_id": "7c1e2f52-0000-4000-8000-000000000001",
        "items": [{
            "iso_week": "2026-W47", "latest_version": 2, "published_at": "2026-11-27T17:00:00+09:00",
            "summary": "アポ 8件（先週 6件）／目標 7.0件",
            "links": _LINKS_EXAMPLE,
        }],
    }})

    project_id: uuid.UUID
    items: list[PublishedWeek] = Field(description="Weeks with a published report, newest first")
