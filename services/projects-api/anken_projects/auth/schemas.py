from __future__ import annotations

import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from anken_common.auth_tokens import Role


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"email": "director@demo.anken.jp", "password": "anken-demo"}]})
    email: EmailStr
    password: str = Field(min_length=1, max_length=200)


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the token expires", examples=[43200])


class Me(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    role: Role
    locale: str
    client_id: uuid.UUID | None = Field(default=None, description="Client users only: the client they belong to")


class MeUpdate(BaseModel):
    """What any user may change about themselves (everything else is an admin's job)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"locale": "en"}]})
    locale: Literal["ja", "en"] | None = Field(default=None, description="The UI language: ja (default) or en")


class PasswordChange(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"current_password": "the-old-passphrase", "new_password": "a-new-long-passphrase"}]})
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=10, max_length=200, description="At least 10 characters; stored as argon2id")


class IntrospectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"token": "ak_3fa85f64_Qm9yZWQgc2VjcmV0"}]})
    token: str = Field(min_length=1, max_length=4096)


class IntrospectResponse(BaseModel):
    """What a token is; `active` false (and nothing else) for an unknown, expired or revoked token."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"active": True, "kind": "api_key", "id": "8e7d6c5b-4a39-4281-9f0e-1d2c3b4a5969", "role": None,
         "client_id": "6f1c2f0e-8a59-4c1b-9a43-1f2d3c4b5a69", "scopes": ["read:kpis"], "ver": None,
         "exp": 1798729200},
        {"active": True, "kind": "user", "id": "0b8f3c1e-2f7a-4d8e-9d1c-6a5b4c3d2e1f", "role": "director",
         "client_id": None, "scopes": [], "ver": 3, "exp": None},
        {"active": False},
    ]})
    active: bool
    kind: Literal["user", "api_key"] | None = None
    id: uuid.UUID | None = None
    role: Role | None = Field(default=None, description="A user's current role (not the one in the token)")
    client_id: uuid.UUID | None = None
    scopes: list[str] = Field(default_factory=list)
    ver: int | None = Field(default=None, description="A user's current token version (the token's own, when active)")
    exp: int | None = Field(default=None, description="An API key's expiry (seconds since the epoch), if it has one")
