"""Next-target responses."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import ConfigDict, Field

from anken_projects.kit.schemas import Output, StrictInput
from anken_projects.targets.schemas import TARGET_EXAMPLE, TargetOut


class NextTargetIn(StrictInput):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{}, {"skip_target_id": TARGET_EXAMPLE["id"]}]})
    skip_target_id: uuid.UUID | None = Field(
        default=None, description="Give back this leased target without calling it, then hand out the next one"
    )


class NextTargetOut(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "target": {**TARGET_EXAMPLE, "status": "new"}, "lease_expires_at": "2026-11-24T10:20:00+09:00",
        "variant": "A", "script_version_id": "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d",
    }]})
    target: TargetOut | None = Field(description="null when no target can be called now")
    lease_expires_at: datetime | None = Field(default=None, description="The target is yours until then")
    variant: str | None = Field(
        default=None, description="The script pattern Anken assigned for this target (random, balanced per member); "
                                  "null when the project lets members choose or has no active script",
    )
    script_version_id: uuid.UUID | None = Field(default=None, description="The active script version of that variant")
