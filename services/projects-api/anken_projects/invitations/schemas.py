"""Invitation requests and answers."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from anken_projects.kit.schemas import StrictInput
from anken_projects.users.schemas import Locale, NewPassword


class InvitationCreate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "email": "sato@client.example.jp", "name": "佐藤 一郎", "locale": "ja"}]})
    email: EmailStr
    name: str = Field(min_length=1, max_length=100)
    locale: Locale = "ja"


class InvitationOut(BaseModel):
    """The invitation just made. `mail_sent`: whether the invitation mail was accepted by the mail server
    (false without SMTP, or when the send failed: the invitation stands, invite again to send a new link).
    `link` (the one-time link, shown once) is present only outside production; in production the link
    goes by e-mail only."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "3a9c5e7f-1b2d-4f6a-8c0e-2d4f6a8c0e1b",
        "user_id": "0b8f3c1e-2f7a-4d8e-9d1c-6a5b4c3d2e1f", "client_id": "5d2c1b0a-9e8f-4a7b-8c6d-1e2f3a4b5c6d",
        "email": "sato@client.example.jp", "expires_at": "2026-12-04T09:00:00+09:00",
        "mail_sent": True, "link": "/invitations/accept?token=Zm9vYmFy"}]})
    id: uuid.UUID = Field(description="The invitation's id (DELETE /v1/invitations/{id} revokes its link)")
    user_id: uuid.UUID
    client_id: uuid.UUID
    email: str
    expires_at: datetime
    mail_sent: bool = Field(description="The invitation mail was accepted by the SMTP server; false without SMTP "
                                        "(development) or when sending failed (the invitation is kept: invite again)")
    link: str | None = Field(default=None, description="Outside production only: the one-time link (relative to the "
                                                       "web app), shown this once")


class InvitationAccept(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "token": "the-token-of-the-link", "password": "a-long-passphrase"}]})
    token: str = Field(min_length=1, max_length=200, description="The token of the invitation link")
    password: NewPassword


class InvitationAccepted(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"email": "sato@client.example.jp"}]})
    email: str = Field(description="The e-mail to log in with")


_PENDING_EXAMPLE: dict[str, Any] = {
    "id": "3a9c5e7f-1b2d-4f6a-8c0e-2d4f6a8c0e1b", "user_id": "0b8f3c1e-2f7a-4d8e-9d1c-6a5b4c3d2e1f",
    "client_id": "5d2c1b0a-9e8f-4a7b-8c6d-1e2f3a4b5c6d", "email": "sato@client.example.jp", "name": "佐藤 一郎",
    "locale": "ja", "invited_by": "7c6b5a49-3827-4161-9504-a3b2c1d0e9f8",
    "created_at": "2026-12-01T09:00:00+09:00", "expires_at": "2026-12-04T09:00:00+09:00", "expired": False,
}


class PendingInvitationOut(BaseModel):
    """An invitation not yet accepted nor revoked; `expired` once its 72 h passed (invite again to renew)."""

    model_config = ConfigDict(json_schema_extra={"examples": [_PENDING_EXAMPLE]})
    id: uuid.UUID
    user_id: uuid.UUID
    client_id: uuid.UUID
    email: str
    name: str
    locale: str
    invited_by: uuid.UUID | None
    created_at: datetime
    expires_at: datetime
    expired: bool = Field(description="The link no longer works (72 h passed); invite the person again")


class PendingInvitationPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [_PENDING_EXAMPLE], "next_cursor": None}]})
    items: list[PendingInvitationOut]
    next_cursor: str | None = None
