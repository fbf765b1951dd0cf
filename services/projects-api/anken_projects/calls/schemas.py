"""Request and response models of call logging."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from anken_projects.calls.models import CallOutcome
from anken_projects.kit.schemas import Output, StrictInput
from anken_projects.kit.validators import SaneMoment

MAX_BULK = 10_000
# PostgreSQL text cannot hold NUL. Call bodies arrive ten thousand at a time, so the check is a
# pattern pydantic runs natively rather than StrictInput's per-field Python validator.
_NO_NUL = r"^[^\x00]*$"

# Calls, callbacks and meetings: the one window of kit.validators (far years would also overflow
# callback arithmetic).
CallTime = SaneMoment


Text100 = Annotated[str, Field(max_length=100, pattern=_NO_NUL)]
Text1000 = Annotated[str, Field(max_length=1000, pattern=_NO_NUL)]
Text2000 = Annotated[str, Field(max_length=2000, pattern=_NO_NUL)]
VariantText = Annotated[str, Field(max_length=40, pattern=_NO_NUL, min_length=1, description="e.g. A, B or A:IT")]


class FastInput(BaseModel):
    """Like StrictInput (unknown fields 422, trimmed strings, no NUL) for high-volume bodies."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

APPOINTMENT_IN_EXAMPLE: dict[str, JsonValue] = {
    "meeting_at": "2026-12-03T14:00:00+09:00", "contact_name": "山田 太郎", "contact_title": "情報システム部 部長",
    "qualification": {"budget": "年間300万円", "authority": "部長決裁", "need": "架電業務の効率化", "timeline": "来期4月"},
    "note": "オンライン商談（Google Meet）",
}
CALL_EXAMPLE: dict[str, JsonValue] = {
    "target_id": "9d1c2b3a-4f5e-4d6c-8b7a-0f1e2d3c4b5a", "member_id": "3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b",
    "occurred_at": "2026-11-24T10:15:00+09:00", "outcome": "connected_followup", "duration_s": 95,
    "script_version_id": "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d", "variant": "A", "note": "12月に再度連絡",
}


class AppointmentIn(FastInput):
    """The appointment agreed on the call (only with outcome `appointment`)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                              json_schema_extra={"examples": [APPOINTMENT_IN_EXAMPLE]})
    meeting_at: CallTime = Field(description="When the meeting takes place; not before the call")
    contact_name: Text100 | None = None
    contact_title: Text100 | None = None
    qualification: dict[Text100, Text1000] = Field(
        default_factory=dict, max_length=30, description="The project's qualification fields (BANT) as captured")
    note: Text2000 | None = None


class CallIn(FastInput):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [
        CALL_EXAMPLE,
        {**CALL_EXAMPLE, "outcome": "appointment", "duration_s": 240, "appointment": APPOINTMENT_IN_EXAMPLE},
    ]})
    target_id: uuid.UUID
    member_id: uuid.UUID = Field(description="The member who made the call (members may log only their own)")
    occurred_at: CallTime = Field(description="May be in the past (history imports); not in the future")
    outcome: CallOutcome
    duration_s: int = Field(ge=0, le=86_400, description="Seconds")
    script_version_id: uuid.UUID | None = None
    variant: VariantText | None = None
    note: Text2000 | None = None
    callback_at: CallTime | None = Field(default=None, description="When to call back (follow-ups)")
    appointment: AppointmentIn | None = None


class BulkCallsIn(FastInput):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"calls": [CALL_EXAMPLE]}]})
    calls: list[CallIn] = Field(min_length=1, max_length=MAX_BULK, description=f"1 to {MAX_BULK:,} calls")


class CallOut(Output):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [{
        **CALL_EXAMPLE, "id": "2b3c4d5e-6f70-4819-9a0b-1c2d3e4f5a6b", "project_id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
        "client_id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", "first_call_of_target": True, "appointment_id": None,
        "created_at": "2026-11-24T10:16:40+09:00", "version": 1,
    }]})
    id: uuid.UUID
    project_id: uuid.UUID
    client_id: uuid.UUID
    target_id: uuid.UUID
    member_id: uuid.UUID
    occurred_at: datetime
    outcome: CallOutcome
    duration_s: int
    script_version_id: uuid.UUID | None
    variant: str | None
    note: str | None
    first_call_of_target: bool | None = Field(
        default=None, description="Whether the target had never been called before (null in listings)")
    appointment_id: uuid.UUID | None = None
    created_at: datetime
    version: int


class BulkCallItem(Output):
    id: uuid.UUID
    target_id: uuid.UUID
    occurred_at: datetime
    appointment_id: uuid.UUID | None = None


class BulkCallsOut(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{"created": 1, "items": [{
        "id": "2b3c4d5e-6f70-4819-9a0b-1c2d3e4f5a6b", "target_id": CALL_EXAMPLE["target_id"],
        "occurred_at": CALL_EXAMPLE["occurred_at"], "appointment_id": None}]}]})
    created: int
    items: list[BulkCallItem] = Field(description="In the order of the request")


class CallUpdate(StrictInput):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                              json_schema_extra={"examples": [{"outcome": "absent", "duration_s": 20}]})
    occurred_at: CallTime | None = None
    outcome: CallOutcome | None = None
    duration_s: int | None = Field(default=None, ge=0, le=86_400)
    script_version_id: uuid.UUID | None = None
    variant: str | None = Field(default=None, min_length=1, max_length=40)
    note: str | None = Field(default=None, max_length=2000)


class CallPage(Output):
    items: list[CallOut]
    next_cursor: str | None = None
