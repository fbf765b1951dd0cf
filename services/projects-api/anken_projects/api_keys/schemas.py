from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import ConfigDict, Field

from anken_projects.auth.scopes import Scope
from anken_projects.kit.schemas import Output, StrictInput


class ApiKeyCreate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "client_id": "6f1c2f0e-8a59-4c1b-9a43-1f2d3c4b5a69", "name": "CRM連携",
        "scopes": ["read:projects", "read:appointments", "write:appointment_outcomes"],
    }]})
    client_id: uuid.UUID
    name: str = Field(min_length=1, max_length=100)
    scopes: list[Scope] = Field(min_length=1, max_length=len(Scope))


class ApiKeyCreated(Output):
    """The only response that contains the secret: store it now, it cannot be shown again."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5969", "client_id": "6f1c2f0e-8a59-4c1b-9a43-1f2d3c4b5a69",
        "name": "CRM連携", "prefix": "3fa85f64", "secret": "ak_3fa85f64_Qm9yZWQgc2VjcmV0IGV4YW1wbGUga2V5IHZhbHVl",
        "scopes": ["read:projects", "read:appointments"], "created_at": "2026-11-23T09:00:00+09:00",
    }]})
    id: uuid.UUID
    client_id: uuid.UUID
    name: str
    prefix: str
    secret: str = Field(description="The whole key to send as `Authorization: Bearer <secret>`; shown only once")
    scopes: list[str]
    created_at: datetime


class ApiKeyOut(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5969", "client_id": "6f1c2f0e-8a59-4c1b-9a43-1f2d3c4b5a69",
        "name": "CRM連携", "prefix": "3fa85f64", "scopes": ["read:projects"], "created_at": "2026-11-23T09:00:00+09:00",
        "last_used_at": "2026-11-23T10:15:00+09:00", "revoked_at": None,
    }]})
    id: uuid.UUID
    client_id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
