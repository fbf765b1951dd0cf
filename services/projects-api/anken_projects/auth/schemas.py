from __future__ import annotations

import uuid

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
