from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ConfigDict

from anken_projects.kit.schemas import Output


class AuditEntryOut(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": 42, "actor_type": "user", "actor_id": "0b8f3c1e-2f7a-4d8e-9d1c-6a5b4c3d2e1f", "action": "project.update",
        "entity_type": "project", "entity_id": "9d7e6c5b-4a39-4281-9f0e-1d2c3b4a5968",
        "before": {"monthly_appointment_target": 20}, "after": {"monthly_appointment_target": 25},
        "request_id": "5c1f0d7a9b", "at": "2026-11-23T09:00:00+09:00",
    }]})
    id: int
    actor_type: str
    actor_id: str | None
    action: str
    entity_type: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
    at: datetime
