from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from pydantic import AwareDatetime, ConfigDict, Field, field_validator

from anken_projects.auth.scopes import Scope
from anken_projects.kit.schemas import Output, StrictInput

MAX_KEY_LIFETIME = timedelta(days=3653)


class ApiKeyCreate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "client_id": "6f1c2f0e-8a59-4c1b-9a43-1f2d3c4b5a69", "name": "CRM連携",
        "scopes": ["read:projects", "read:appointments", "write:appointment_outcomes"],
        "expires_at": "2027-03-31T23:59:59+09:00",
    }]})
    client_id: uuid.UUID
    name: str = Field(min_length=1, max_length=100)
    scopes: list[Scope] = Field(min_length=1, max_length=len(Scope))
    expires_at: AwareDatetime | None = Field(
        default=None, description="When the key stops working (401, like a revoked key); none: until revoked")

    @field_validator("expires_at")
    @classmethod
    def _expiry_in_the_future(cls, value: datetime | None) -> datetime | None:
        if value is not None:
            now = datetime.now(UTC)
            if value <= now:
                raise ValueError("must be in the future")
            if value > now + MAX_KEY_LIFETIME:
                raise ValueError("must be within 10 years")
        return value


class ApiKeyCreated(Output):
    """The only response that contains the secret: store it now, it cannot be shown again."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5969", "client_id": "6f1c2f0e-8a59-4c1b-9a43-1f2d3c4b5a69",
        "name": "CRM連携", "prefix": "3fa85f64", "secret": "ak_3fa85f64_Qm9yZWQgc2VjcmV0IGV4YW1wbGUga2V5IHZhbHVl",
        "scopes": ["read:projects", "read:appointments"], "created_at": "2026-11-23T09:00:00+09:00",
        "expires_at": "2027-03-31T23:59:59+09:00",
    }]})
    id: uuid.UUID
    client_id: uuid.UUID
    name: str
    prefix: str
    secret: str = Field(description="The whole key to send as `Authorization: Bearer <secret>`; shown only once")
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None = None


class ApiKeyOut(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5969", "client_id": "6f1c2f0e-8a59-4c1b-9a43-1f2d3c4b5a69",
        "name": "CRM連携", "prefix": "3fa85f64", "scopes": ["read:projects"], "created_at": "2026-11-23T09:00:00+09:00",
        "last_used_at": "2026-11-23T10:15:00+09:00", "revoked_at": None, "expires_at": None,
    }]})
    id: uuid.UUID
    client_id: uuid.UUID
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    expires_at: datetime | None = None
