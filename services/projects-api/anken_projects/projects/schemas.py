from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import ConfigDict, Field, ValidationInfo, computed_field, field_validator

from anken_projects.appointments.handoff import HandoffChange
from anken_projects.kit.schemas import Output, StrictInput
from anken_projects.kit.validators import ClockTime, HttpUrl, SaneDate, TimeZoneName
from anken_projects.projects.models import (
    DEFAULT_UNQUALIFIED_REASONS,
    ContractChangeKind,
    ProjectStatus,
    allowed_from,
    reasons_or_defaults,
)

QualificationField = Annotated[str, Field(min_length=1, max_length=100)]
UnqualifiedReason = Annotated[str, Field(min_length=1, max_length=100)]


_PROJECT_EXAMPLE: dict[str, Any] = {
    "client_id": "6f1c2f0e-8a59-4c1b-9a43-1f2d3c4b5a69", "name": "サンプルSaaS 新規開拓 2026下期",
    "product": "勤怠管理クラウド", "director_id": "0b8f3c1e-2f7a-4d8e-9d1c-6a5b4c3d2e1f", "timezone": "Asia/Tokyo",
    "monthly_appointment_target": 20, "contracted_monthly_hours": 160,
    "contract_start": "2026-10-01", "contract_end": "2027-03-31", "renewal_date": "2027-03-01",
    "appointment_definition": "従業員50名以上の人事責任者と30分のオンライン商談",
    "qualification_fields": ["budget", "authority", "need", "timeline"],
    "target_definition": "首都圏の従業員50〜500名の製造業", "handoff_contact": "営業部 佐藤 (sato@client.example.jp)",
    "calendar_link": "https://calendar.example.jp/sato", "slack_channel": "#pj-sample-saas",
    "weekly_meeting_weekday": 3, "weekly_meeting_time": "16:00",
}


class _ProjectFields(StrictInput):
    product: str | None = Field(default=None, max_length=200)
    director_id: uuid.UUID | None = None
    timezone: TimeZoneName = "Asia/Tokyo"
    monthly_appointment_target: int = Field(default=0, ge=0, le=100_000, strict=True)
    contracted_monthly_hours: int = Field(default=0, ge=0, le=100_000, strict=True)
    contract_start: SaneDate | None = None
    contract_end: SaneDate | None = None
    renewal_date: SaneDate | None = None
    appointment_definition: str | None = Field(default=None, max_length=5000)
    qualification_fields: list[QualificationField] = Field(
        default_factory=list, max_length=30, description="The BANT fields a member captures for each appointment",
    )
    target_definition: str | None = Field(default=None, max_length=5000)
    unqualified_reasons: list[UnqualifiedReason] | None = Field(
        default=None, max_length=20,
        description="The reasons a client picks from for an unqualified appointment; null or [] means the defaults "
                    "(予算なし, 決裁権なし, ニーズなし, 導入時期未定, 競合導入済み, ターゲット外)",
    )
    handoff_contact: str | None = Field(default=None, max_length=200)
    calendar_link: HttpUrl | None = None
    slack_channel: str | None = Field(default=None, max_length=100)
    confluence_page_url: HttpUrl | None = None
    spreadsheet_url: HttpUrl | None = None
    extra_closed_days: list[SaneDate] = Field(default_factory=list, max_length=366)
    weekly_meeting_weekday: int | None = Field(default=None, ge=0, le=6, description="0=Monday … 6=Sunday")
    weekly_meeting_time: ClockTime | None = None
    ab_manual_choice: bool = Field(
        default=False, strict=True,
        description="Members choose the script pattern themselves; by default Anken assigns it per target "
                    "(random, balanced per member) and the A/B comparison is randomised",
    )
    client_sees_member_names: bool = Field(
        default=False, strict=True,
        description="The client's people see which member set each appointment (the portal's appointments and "
                    "the per-member appointment quality); by default they see project totals only",
    )

    @field_validator("unqualified_reasons")
    @classmethod
    def _distinct_reasons(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("each reason may appear only once")
        return value



class ProjectCreate(_ProjectFields):
    model_config = ConfigDict(json_schema_extra={"examples": [_PROJECT_EXAMPLE]})
    client_id: uuid.UUID
    name: str = Field(min_length=1, max_length=200)

    @field_validator("contract_end")
    @classmethod
    def _contract_order(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("contract_start")
        if value and start and value < start:
            raise ValueError("a contract cannot end before it starts")
        return value


class ProjectUpdate(_ProjectFields):
    """Only the fields sent change; `status` changes through /transitions."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"monthly_appointment_target": 25, "weekly_meeting_time": "15:30"}]})
    name: str | None = Field(default=None, min_length=1, max_length=200)
    timezone: TimeZoneName | None = None  # type: ignore[assignment]
    monthly_appointment_target: int | None = Field(default=None, ge=0, le=100_000, strict=True)  # type: ignore[assignment]
    contracted_monthly_hours: int | None = Field(default=None, ge=0, le=100_000, strict=True)  # type: ignore[assignment]
    qualification_fields: list[QualificationField] | None = Field(default=None, max_length=30)  # type: ignore[assignment]
    extra_closed_days: list[SaneDate] | None = Field(default=None, max_length=366)  # type: ignore[assignment]



class _ProjectViewOut(Output):
    """The fields every reader of a project gets: ProjectOut (the agency's view) and ClientProjectOut (the
    client's own people) extend it."""

    id: uuid.UUID
    client_id: uuid.UUID
    name: str
    product: str | None
    status: ProjectStatus
    timezone: str
    monthly_appointment_target: int
    appointment_definition: str | None = Field(description="What counts as an appointment, as agreed at kickoff")
    qualification_fields: list[str] = Field(description="The BANT fields captured for each appointment")
    unqualified_reasons: list[str] = Field(description="The reasons to pick from for an unqualified appointment: "
                                                       "the project's list, else the defaults")
    handoff_contact: str | None
    calendar_link: str | None
    weekly_meeting_weekday: int | None = Field(description="0=Monday … 6=Sunday")
    weekly_meeting_time: str | None
    client_sees_member_names: bool = Field(description="Whether the appointments name the member who set them")
    created_at: datetime
    updated_at: datetime

    @field_validator("unqualified_reasons", mode="before")
    @classmethod
    def _default_reasons(cls, value: list[str] | None) -> list[str]:
        return reasons_or_defaults(value)


class ProjectOut(_ProjectViewOut):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        **_PROJECT_EXAMPLE, "id": "9d7e6c5b-4a39-4281-9f0e-1d2c3b4a5968", "status": "draft",
        "confluence_page_url": None, "spreadsheet_url": None, "extra_closed_days": ["2026-12-29"], "ab_manual_choice": False,
        "client_sees_member_names": False, "unqualified_reasons": list(DEFAULT_UNQUALIFIED_REASONS),
        "created_at": "2026-11-23T09:00:00+09:00", "updated_at": "2026-11-23T09:00:00+09:00", "version": 1,
        "allowed_transitions": ["kickoff"],
    }]})
    director_id: uuid.UUID | None
    contracted_monthly_hours: int
    contract_start: date | None
    contract_end: date | None
    renewal_date: date | None
    target_definition: str | None
    slack_channel: str | None
    confluence_page_url: str | None
    spreadsheet_url: str | None
    extra_closed_days: list[date]
    ab_manual_choice: bool
    version: int

    @computed_field(description="The statuses POST /transitions accepts from the current one, the natural next "
                                "step first (empty once ended); `active` also needs the required kickoff items agreed")
    def allowed_transitions(self) -> list[ProjectStatus]:
        return [ProjectStatus(s) for s in allowed_from(self.status)]


class TransitionRequest(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"to": "kickoff"}, {"to": "active"}]})
    to: ProjectStatus


class KickoffItemCreate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"key": "nda", "label": "NDA締結", "required": False}]})
    key: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1, max_length=200)
    required: bool = False
    value: str | None = Field(default=None, max_length=5000)


class KickoffItemUpdate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"agreed": True, "value": "人事責任者との30分商談"}]})
    agreed: bool | None = None
    value: str | None = Field(default=None, max_length=5000)
    label: str | None = Field(default=None, min_length=1, max_length=200)
    required: bool | None = None


class KickoffItemOut(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "3c2b1a09-8f7e-4d6c-9b5a-493827161504", "project_id": "9d7e6c5b-4a39-4281-9f0e-1d2c3b4a5968",
        "key": "appointment_definition", "label": "アポイントの定義", "position": 1, "required": True,
        "agreed": True, "value": "人事責任者との30分商談", "agreed_at": "2026-11-23T10:00:00+09:00",
        "agreed_by": "0b8f3c1e-2f7a-4d8e-9d1c-6a5b4c3d2e1f", "version": 2,
    }]})
    id: uuid.UUID
    project_id: uuid.UUID
    key: str
    label: str
    position: int
    required: bool
    agreed: bool
    value: str | None
    agreed_at: datetime | None
    agreed_by: uuid.UUID | None
    version: int


class KickoffChecklist(Output):
    items: list[KickoffItemOut]
    ready_for_active: bool = Field(description="Every required item is agreed")
    missing: list[str] = Field(description="Keys of required items not yet agreed")


class ContractChangeCreate(StrictInput):
    """renewal: a new term from `effective_date` to `new_contract_end`; upsell/downsell: new monthly hours
    (`hours_after`) and/or more scope from `effective_date`; end: the contract ends on `effective_date`."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"kind": "renewal", "effective_date": "2027-04-01", "new_contract_end": "2027-09-30"},
        {"kind": "upsell", "effective_date": "2026-12-01", "hours_after": 200, "note": "架電時間を増枠"},
        {"kind": "end", "effective_date": "2027-03-31"},
    ]})
    kind: ContractChangeKind
    effective_date: SaneDate
    new_contract_end: SaneDate | None = None
    hours_after: int | None = Field(default=None, ge=0, le=100_000, strict=True)
    scope_increased: bool = False
    note: str | None = Field(default=None, max_length=2000)

    @field_validator("new_contract_end")
    @classmethod
    def _dates(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("effective_date")
        if value and start and value < start:
            raise ValueError("a contract cannot end before it starts")
        return value


class ContractChangeOut(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "5e4d3c2b-1a09-4f8e-8d7c-6b5a49382716", "project_id": "9d7e6c5b-4a39-4281-9f0e-1d2c3b4a5968",
        "client_id": "6f1c2f0e-8a59-4c1b-9a43-1f2d3c4b5a69", "kind": "upsell", "effective_date": "2026-12-01",
        "term_end_date": None, "new_contract_end": None, "hours_before": 160, "hours_after": 200,
        "scope_increased": False, "note": "架電時間を増枠", "created_by": "0b8f3c1e-2f7a-4d8e-9d1c-6a5b4c3d2e1f",
        "created_at": "2026-11-23T09:00:00+09:00",
    }]})
    id: uuid.UUID
    project_id: uuid.UUID
    client_id: uuid.UUID
    kind: ContractChangeKind
    effective_date: date
    term_end_date: date | None
    new_contract_end: date | None
    hours_before: int | None
    hours_after: int | None
    scope_increased: bool
    note: str | None
    created_by: uuid.UUID | None
    created_at: datetime


class ClientProjectOut(_ProjectViewOut):
    """A project as the client's own people (client users) see it: what was agreed with the client and what
    they report on, nothing of how the agency runs it. Left out on purpose: the director, the contracted
    hours and contract dates, the renewal date, the target definition, member assignments, scripts and the
    A/B setting, Slack/Confluence/Sheets links, extra closed days, the lifecycle transitions and the version."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "9d7e6c5b-4a39-4281-9f0e-1d2c3b4a5968", "client_id": _PROJECT_EXAMPLE["client_id"],
        "name": _PROJECT_EXAMPLE["name"], "product": _PROJECT_EXAMPLE["product"], "status": "active",
        "timezone": "Asia/Tokyo", "monthly_appointment_target": 20,
        "appointment_definition": _PROJECT_EXAMPLE["appointment_definition"],
        "qualification_fields": _PROJECT_EXAMPLE["qualification_fields"],
        "unqualified_reasons": list(DEFAULT_UNQUALIFIED_REASONS), "handoff_contact": _PROJECT_EXAMPLE["handoff_contact"],
        "calendar_link": _PROJECT_EXAMPLE["calendar_link"], "weekly_meeting_weekday": 3, "weekly_meeting_time": "16:00",
        "client_sees_member_names": False, "created_at": "2026-11-23T09:00:00+09:00",
        "updated_at": "2026-11-23T09:00:00+09:00",
        "reportable_handoff_statuses": ["held", "no_show", "rescheduled", "cancelled"],
    }]})

    @computed_field(description="The hand-off changes the client may report on this project's appointments "
                                "(each appointment's `allowed_handoff_statuses` says which follow its status)")
    def reportable_handoff_statuses(self) -> list[HandoffChange]:
        return [change for change in HandoffChange if change != HandoffChange.set]
