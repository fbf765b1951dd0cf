"""Do-not-call entries in and out."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field

from anken_projects.kit.schemas import Output, StrictInput

DNC_EXAMPLE: dict[str, Any] = {
    "corporate_number": "7000012050002", "phone": "03-1234-5678", "company_name": "株式会社サンプル製作所",
    "reason": "先方より今後の架電不要との申し出",
}


class DoNotCallCreate(StrictInput):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra={"examples": [DNC_EXAMPLE]})
    corporate_number: str | None = Field(default=None, max_length=20, description="法人番号 (13 digits)")
    phone: str | None = Field(default=None, max_length=30, description="Any common Japanese format; normalised")
    company_name: str | None = Field(default=None, max_length=200)
    reason: str | None = Field(default=None, max_length=500)


class TargetDoNotCall(StrictInput):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                              json_schema_extra={"examples": [{"reason": "先方より架電不要との申し出"}]})
    reason: str | None = Field(default=None, max_length=500)


class DoNotCallOut(Output):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [{
        **DNC_EXAMPLE, "phone": "0312345678", "id": "6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f",
        "client_id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", "targets_flagged": 2,
        "created_at": "2026-11-24T11:00:00+09:00",
    }]})
    id: uuid.UUID
    client_id: uuid.UUID
    corporate_number: str | None
    phone: str | None
    company_name: str | None
    reason: str | None
    targets_flagged: int = Field(default=0, description="Targets of the client's projects now marked do-not-call")
    created_at: datetime


class DoNotCallPage(Output):
    items: list[DoNotCallOut]
    next_cursor: str | None = None
