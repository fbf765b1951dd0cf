"""Request and response models of the /_sandbox/ API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from anken_sandbox.oauth.token_server import load_public_key
from anken_sandbox.webhooks.receiver import valid_secret

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(None, description="pass as ?cursor= for the next page; null at the end")


class ResetOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "reset"}]})

    status: str


class FaultsCleared(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"removed": 2}]})

    removed: int


class SlackMessageView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "channel_id": "C00000001", "channel_name": "anken-sample-2026", "ts": "1763870400.000100", "user": "U0ANKENBOT",
        "text": "アポ獲得: 株式会社サンプル", "blocks": None, "thread_ts": None, "pinned": False,
        "metadata": {"event_type": "appointment.set", "event_payload": {"event_id": "evt_1"}},
    }]})

    channel_id: str
    channel_name: str
    ts: str
    user: str
    text: str
    blocks: list[dict[str, Any]] | None
    metadata: dict[str, Any] | None
    thread_ts: str | None
    pinned: bool


class SlackChannelView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "C00000001", "name": "anken-sample-2026", "is_private": False, "is_archived": False,
        "topic": "11月 アポ目標 20件", "members": ["U0ANKENBOT", "U00000002"], "message_count": 3,
        "created": 1763870400,
    }]})

    id: str
    name: str
    is_private: bool
    is_archived: bool
    topic: str
    members: list[str]
    message_count: int
    created: int


class SlackUserIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"email": "guest@client.example.jp", "name": "guest", "real_name": "先方 担当者"}]})

    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    name: str | None = Field(None, max_length=80)
    real_name: str | None = Field(None, max_length=200)


class SlackUserView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": "U00000002", "name": "director", "real_name": "ディレクター 花子", "email": "director@demo.anken.jp"}]})

    id: str
    name: str
    real_name: str
    email: str | None


class TokenRevocationIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"token": "xoxb-sandbox-token"}]})

    token: str = Field(min_length=1)


class Accepted(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "ok"}]})

    status: str = "ok"


class ConfluencePageView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "65538", "space_id": "1", "space_key": "ANKEN", "title": "キックオフ議事録", "status": "current",
        "parent_id": "65537", "version": 2, "representation": "storage", "body": "<p>目的と進め方</p>",
        "created_at": "2026-11-23T04:00:00.000Z",
    }]})

    id: str
    space_id: str
    space_key: str
    title: str
    status: str
    parent_id: str | None
    version: int
    representation: str
    body: str
    created_at: str


class ConfluencePageRef(BaseModel):
    id: str
    title: str


class ConfluencePageDetail(ConfluencePageView):
    """One page as a person reads it: with its space, where it sits in the tree and when it last changed."""

    space_name: str
    updated_at: str
    parent: ConfluencePageRef | None
    children: list[ConfluencePageRef]


class ConfluenceSpaceIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"key": "CLIENTA", "name": "A社 案件"}]})

    key: str = Field(pattern=r"^[A-Z0-9]{1,255}$")
    name: str = Field(min_length=1, max_length=200)


class ConfluenceSpaceView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"id": "1", "key": "ANKEN", "name": "Anken プロジェクト", "homepage_id": "65537"}]})

    id: str
    key: str
    name: str
    homepage_id: str | None


class SheetView(BaseModel):
    sheet_id: int
    title: str
    row_count: int
    column_count: int
    values: list[list[Any]]


class SpreadsheetView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "spreadsheet_id": "1qpyC0XzvTcKT6EISywvqESX3A0MwQoFDE8p-Bll4hps", "title": "架電リスト", "owner": "sa@x.iam.gserviceaccount.com",
        "created_at": "2026-11-23T04:00:00Z",
        "sheets": [{"sheet_id": 0, "title": "リスト", "row_count": 1000, "column_count": 26,
                    "values": [["会社名", "状況"], ["株式会社サンプル", "アポ"]]}],
    }]})

    spreadsheet_id: str
    title: str
    owner: str
    created_at: datetime
    sheets: list[SheetView]
    app_properties: dict[str, str] = {}  # set when created through Drive (the worker tags its delivery key)


class ServiceAccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "client_email": "anken@anken-sandbox.iam.gserviceaccount.com",
        "public_key_pem": "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkq...\n-----END PUBLIC KEY-----\n", "key_id": "k1",
    }]})

    client_email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    public_key_pem: str = Field(min_length=1)
    key_id: str | None = None

    @field_validator("public_key_pem")
    @classmethod
    def _must_be_an_rsa_public_key(cls, value: str) -> str:
        try:
            load_public_key(value)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"not a PEM RSA public key ({exc})") from None
        return value


class ServiceAccountView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"client_email": "anken@anken-sandbox.iam.gserviceaccount.com", "key_id": "k1"}]})

    client_email: str
    key_id: str | None


class RevocationIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"client_email": "anken@anken-sandbox.iam.gserviceaccount.com", "spreadsheet_id": None}]})

    client_email: str = Field(min_length=1)
    spreadsheet_id: str | None = Field(None, description="null revokes every spreadsheet of the account")


class WebhookEndpointIn(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}]})

    secret: str | None = Field(None, description="whsec_<base64>; generated when omitted")

    @field_validator("secret")
    @classmethod
    def _secret_is_standard(cls, value: str | None) -> str | None:
        if value is not None and not valid_secret(value):
            raise ValueError("must be a Standard Webhooks secret: whsec_ followed by base64")
        return value


class WebhookSecretIn(WebhookEndpointIn):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"secret": "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"}]})

    secret: str = Field(description="the partner's new secret (after rotation)")


class WebhookEndpointOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "ep_0f3a9c2b1d4e5f60", "url": "http://127.0.0.1:8010/webhooks/ep_0f3a9c2b1d4e5f60",
        "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "received": 0,
    }]})

    id: str
    url: str
    secret: str
    received: int


class ReceivedWebhookView(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "seq": 1, "endpoint_id": "ep_0f3a9c2b1d4e5f60", "webhook_id": "msg_2b1d", "webhook_timestamp": "1763870400",
        "type": "appointment.set", "payload": {"type": "appointment.set", "data": {}}, "verified": True, "status": 204,
        "reason": None, "duplicate": False, "received_at": "2026-11-23T04:00:00+00:00",
    }]})

    seq: int
    endpoint_id: str
    webhook_id: str | None
    webhook_timestamp: str | None
    type: str | None
    payload: Any
    verified: bool = Field(description="signature and timestamp valid (duplicates included, replays not)")
    status: int
    reason: str | None
    duplicate: bool = Field(description="a sender's retry of a webhook-id already received; not a new delivery")
    received_at: datetime
