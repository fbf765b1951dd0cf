"""Comments on a published weekly report."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

_EXAMPLE: dict[str, Any] = {
    "id": "7c1e2f52-0000-4000-8000-0000000000c1", "iso_week": "2026-W47", "version": 2,
    "body": "製造業のアポが増えていて良いです。次回は決裁者アポの比率を確認したいです。",
    "author_id": "7c1e2f52-0000-4000-8000-000000000009", "author_name": "佐々木 一郎", "author_role": "client",
    "created_at": "2026-11-28T10:15:00+09:00",
}


class CommentIn(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"body": _EXAMPLE["body"]}]})

    body: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)] = Field(
        description="The comment, 1 to 2000 characters (surrounding spaces are dropped)")


class CommentOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": _EXAMPLE})

    id: uuid.UUID
    iso_week: str
    version: int = Field(description="The published version the comment was written on")
    body: str
    author_id: str
    author_name: str | None = None
    author_role: str | None = Field(default=None, description="client, director or admin")
    created_at: datetime


class CommentList(BaseModel):
    model_config = ConfigDict(json_schema_extra={"example": {"items": [_EXAMPLE]}})

    items: list[CommentOut] = Field(description="Oldest first: the newest comment is last")
