from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import ConfigDict, EmailStr, Field

from anken_common.auth_tokens import Role
from anken_projects.kit.schemas import Output, StrictInput

Locale = Literal["ja", "en"]
# The password rule of every user, however the password is set (created, changed, or from an invitation).
NewPassword = Annotated[str, Field(min_length=10, max_length=200, description="At least 10 characters; stored as argon2id")]


class UserCreate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "email": "tanaka@agency.example.jp", "name": "田中 花子", "role": "member",
        "password": "a-long-passphrase", "locale": "ja",
    }]})
    email: EmailStr
    name: str = Field(min_length=1, max_length=100)
    role: Role
    password: NewPassword
    locale: Locale = "ja"


class UserUpdate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"role": "director"}, {"is_active": False}]})
    name: str | None = Field(default=None, min_length=1, max_length=100)
    role: Role | None = None
    password: str | None = Field(default=None, min_length=10, max_length=200)
    locale: Locale | None = None
    is_active: bool | None = None


class UserOut(Output):
    """A user; the password hash is never returned."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "0b8f3c1e-2f7a-4d8e-9d1c-6a5b4c3d2e1f", "email": "tanaka@agency.example.jp", "name": "田中 花子",
        "role": "member", "locale": "ja", "is_active": True,
        "created_at": "2026-11-23T09:00:00+09:00", "updated_at": "2026-11-23T09:00:00+09:00", "version": 1,
    }]})
    id: uuid.UUID
    email: str
    name: str
    role: Role
    client_id: uuid.UUID | None = Field(default=None, description="Client users only: the client they belong to")
    locale: str
    is_active: bool
    created_at: datetime
    updated_at: datetime
    version: int
