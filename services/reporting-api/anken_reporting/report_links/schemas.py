"""Shared weekly report links: what creating one answers (the token, once), the list, and what the web
receives when it opens a link."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from anken_reporting.reports.schemas import WeeklyReport

_P = "7c1e2f52-0000-4000-8000-000000000001"
_C = "7c1e2f52-0000-4000-8000-000000000002"
_TOKEN = "fB4vUgAAQACAAAAAAAAAqo-m_rH3zASHeyC4A2Vhx1RRWL4Qko_8kw"


class LinkIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"expires_in_days": 14}]})

    expires_in_days: int | None = Field(default=None, ge=1, le=90,
                                        description="Days until the link stops working; default REPORT_LINK_TTL_DAYS (14)")


class LinkCreated(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {
        "id": "7c1e2f52-0000-4000-8000-0000000000aa", "project_id": _P, "client_id": _C, "iso_week": "2026-W47",
        "token": _TOKEN, "url_path": f"/r/{_TOKEN}", "url": f"https://anken.example.jp/r/{_TOKEN}",
        "expires_at": "2026-12-11T17:00:00+09:00",
    }})

    id: uuid.UUID
    project_id: uuid.UUID
    client_id: uuid.UUID
    iso_week: str
    token: str = Field(description="The link's secret: shown in this answer only, never listed")
    url_path: str = Field(description="The web app's page of the link: /r/<token>")
    url: str = Field(description="url_path on the web app's address (WEB_URL)")
    expires_at: datetime


class LinkOut(BaseModel):
    id: uuid.UUID
    client_id: uuid.UUID
    project_id: uuid.UUID
    project_name: str | None = None
    iso_week: str
    status: Literal["active", "expired", "revoked"]
    created_by: str
    created_by_name: str | None = None
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None = None
    last_opened_at: datetime | None = Field(default=None, description="When the link was last used")
    open_count: int = Field(description="How often the report or a download was fetched through the link")


class LinkList(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {"items": [{
        "id": "7c1e2f52-0000-4000-8000-0000000000aa", "client_id": _C, "project_id": _P,
        "project_name": "クラウド会計 新規開拓", "iso_week": "2026-W47", "status": "active",
        "created_by": "7c1e2f52-0000-4000-8000-000000000003", "created_by_name": "山田 花子",
        "created_at": "2026-11-27T17:00:00+09:00", "expires_at": "2026-12-11T17:00:00+09:00", "revoked_at": None,
        "last_opened_at": "2026-11-28T09:12:00+09:00", "open_count": 3,
    }]}})

    items: list[LinkOut] = Field(description="Newest first; tokens are never listed")


class SharedReport(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {
        "id": "7c1e2f52-0000-4000-8000-0000000000aa", "iso_week": "2026-W47",
        "expires_at": "2026-12-11T17:00:00+09:00",
        "downloads": {kind: f"/v1/report-links/resolve/{_TOKEN}/download.{kind}" for kind in ("pptx", "xlsx", "csv", "html")},
        "report": WeeklyReport.model_config["json_schema_extra"]["example"],  # type: ignore[index]
    }})

    id: uuid.UUID
    iso_week: str
    expires_at: datetime
    downloads: dict[str, str] = Field(description="API paths of the report's downloads through the same token")
    report: WeeklyReport = Field(description="The latest published version of the week (never a draft)")
