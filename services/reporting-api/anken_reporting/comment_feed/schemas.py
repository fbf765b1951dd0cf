"""The client's comments across projects, newest first: what the director reads on their home page."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

_EXAMPLE: dict[str, Any] = {
    "id": "7c1e2f52-0000-4000-8000-0000000000c1", "project_id": "7c1e2f52-0000-4000-8000-000000000001",
    "project_name": "SaaS新規開拓", "client_id": "7c1e2f52-0000-4000-8000-000000000002", "iso_week": "2026-W47",
    "version": 2, "body": "製造業のアポが増えていて良いです。次回は決裁者アポの比率を確認したいです。",
    "author_name": "佐々木 一郎", "author_role": "client", "created_at": "2026-11-28T10:15:00+09:00",
}


class FeedComment(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": _EXAMPLE})

    id: uuid.UUID
    project_id: uuid.UUID
    project_name: str | None = None
    client_id: uuid.UUID
    iso_week: str
    version: int = Field(description="The published version the comment was written on")
    body: str
    author_name: str | None = None
    author_role: str | None = Field(default=None, description="always client: the client's people's comments")
    created_at: datetime


class FeedPage(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {"items": [_EXAMPLE], "next_cursor": None}})

    items: list[FeedComment] = Field(description="Newest first")
    next_cursor: str | None = Field(default=None, description="Pass as `cursor` for the next page; null at the end")
