"""Appointments out, and the hand-off / partner outcome update."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field, computed_field

from anken_projects.appointments.handoff import HandoffChange, allowed_changes
from anken_projects.appointments.models import ClientDealStage, HandoffStatus, PartnerOutcome
from anken_projects.kit.schemas import Output, StrictInput
from anken_projects.kit.validators import SaneMoment

APPOINTMENT_EXAMPLE: dict[str, Any] = {
    "id": "8e9f0a1b-2c3d-4e4f-9a5b-6c7d8e9f0a1b", "project_id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
    "client_id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", "call_id": "2b3c4d5e-6f70-4819-9a0b-1c2d3e4f5a6b",
    "member_id": "3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b", "member_name": "鈴木 一郎", "target_id": "9d1c2b3a-4f5e-4d6c-8b7a-0f1e2d3c4b5a",
    "company_name": "株式会社サンプル製作所", "contact_name": "山田 太郎", "contact_title": "情報システム部 部長",
    "meeting_at": "2026-12-03T14:00:00+09:00",
    "qualification": {"budget": "年間300万円", "authority": "部長決裁", "need": "架電業務の効率化", "timeline": "来期4月"},
    "handoff_status": "set", "partner_outcome": None, "unqualified_reason": None, "deal_id": None,
    "deal_amount": None, "deal_stage": None, "rescheduled_count": 0, "note": None, "set_at": "2026-11-24T10:20:00+09:00", "updated_at": "2026-11-24T10:20:00+09:00", "version": 1,
    "allowed_handoff_statuses": ["held", "no_show", "rescheduled", "cancelled"],
}


MEMBER_SHOWN = ("The member who set the appointment. Null for the client's people (client users, partner keys) "
                "unless the project allows it (`client_sees_member_names`)")


class AppointmentOut(Output):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [APPOINTMENT_EXAMPLE]})
    id: uuid.UUID
    project_id: uuid.UUID
    client_id: uuid.UUID
    call_id: uuid.UUID | None
    member_id: uuid.UUID | None = Field(description=MEMBER_SHOWN)
    member_name: str | None = Field(default=None, description=MEMBER_SHOWN)
    target_id: uuid.UUID
    company_name: str
    contact_name: str | None
    contact_title: str | None
    meeting_at: datetime
    qualification: dict[str, str]
    handoff_status: HandoffStatus
    partner_outcome: PartnerOutcome | None
    unqualified_reason: str | None
    deal_id: uuid.UUID | None = Field(description="The client's deal (outcome data; not an agency deal)")
    deal_amount: int | None = Field(description="Integer yen")
    deal_stage: ClientDealStage | None
    rescheduled_count: int = Field(description="How often the meeting was moved (it stays one appointment)")
    note: str | None
    set_at: datetime
    updated_at: datetime
    version: int

    @computed_field(description="The handoff_status changes PATCH accepts from the current status (empty once "
                                "cancelled); `rescheduled` also needs meeting_at")
    def allowed_handoff_statuses(self) -> list[HandoffChange]:
        return allowed_changes(self.handoff_status)


class AppointmentPage(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [APPOINTMENT_EXAMPLE], "next_cursor": None}]})
    items: list[AppointmentOut]
    next_cursor: str | None = None


class DealOutcome(StrictInput):
    """The client's deal a qualified appointment became: the client's outcome data, never an agency deal."""

    amount: int = Field(ge=0, le=10_000_000_000, description="Integer yen")
    stage: ClientDealStage = Field(default=ClientDealStage.proposal, description="proposal, negotiation, won or lost")


class AppointmentUpdate(StrictInput):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [
        {"handoff_status": "held"},
        {"handoff_status": "held", "partner_outcome": "qualified", "deal": {"amount": 1_200_000, "stage": "proposal"}},
        {"handoff_status": "rescheduled", "meeting_at": "2026-12-10T15:00:00+09:00"},
        {"partner_outcome": "unqualified", "unqualified_reason": "予算なし"},
        {"handoff_status": "cancelled", "note": "先方都合によりキャンセル"},
    ]})
    handoff_status: HandoffChange | None = Field(
        default=None, description="set → held | no_show | rescheduled (needs meeting_at; back to set) | cancelled; "
                                  "held ↔ no_show corrects a report; cancelled is final")
    partner_outcome: PartnerOutcome | None = Field(default=None, description="Only for a held meeting")
    unqualified_reason: str | None = Field(default=None, min_length=1, max_length=100,
                                           description="Required with unqualified: one of the project's "
                                                       "unqualified_reasons")
    deal: DealOutcome | None = Field(default=None, description="Only for a qualified appointment")
    meeting_at: SaneMoment | None = Field(default=None, description="The new meeting time of a reschedule")
    note: str | None = Field(default=None, max_length=2000)
