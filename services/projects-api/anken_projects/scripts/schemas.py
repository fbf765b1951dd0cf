from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import ConfigDict, Field

from anken_projects.kit.schemas import Output, StrictInput
from anken_projects.scripts.models import ScriptPattern

_EXAMPLE_BODY = "お世話になっております。株式会社〇〇の田中と申します。本日は人事ご担当者様に…"


class ScriptCreate(StrictInput):
    """A new variant of the project's script (pattern A or B, optionally for one industry) with its first version."""

    model_config = ConfigDict(json_schema_extra={"examples": [
        {"pattern": "A", "title": "課題訴求型", "body": _EXAMPLE_BODY},
        {"pattern": "B", "industry": "製造業", "title": "事例訴求型（製造業）", "body": _EXAMPLE_BODY},
    ]})
    pattern: ScriptPattern
    industry: str | None = Field(default=None, min_length=1, max_length=100)
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=50_000)


class ScriptVersionCreate(StrictInput):
    """An edit: always a new immutable version, which becomes the active one."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"title": "課題訴求型 v2", "body": _EXAMPLE_BODY}]})
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=50_000)


class ScriptVersionOut(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "2d1c0b9a-8f7e-4d6c-8b5a-4f3e2d1c0b9a", "script_id": "1c0b9a8f-7e6d-4c5b-9a4f-3e2d1c0b9a8f",
        "project_id": "9d7e6c5b-4a39-4281-9f0e-1d2c3b4a5968", "version": 2, "title": "課題訴求型 v2",
        "body": _EXAMPLE_BODY, "is_active": True, "created_by": "0b8f3c1e-2f7a-4d8e-9d1c-6a5b4c3d2e1f",
        "created_at": "2026-11-23T09:00:00+09:00",
    }]})
    id: uuid.UUID
    script_id: uuid.UUID
    project_id: uuid.UUID
    version: int
    title: str
    body: str
    is_active: bool
    created_by: uuid.UUID | None
    created_at: datetime


class ScriptOut(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "1c0b9a8f-7e6d-4c5b-9a4f-3e2d1c0b9a8f", "project_id": "9d7e6c5b-4a39-4281-9f0e-1d2c3b4a5968",
        "pattern": "A", "industry": None, "variant": "A", "created_at": "2026-11-23T09:00:00+09:00",
        "active_version": None,
    }]})
    id: uuid.UUID
    project_id: uuid.UUID
    pattern: ScriptPattern
    industry: str | None
    variant: str = Field(description="The label calls carry: 'A', 'B', or 'A:<industry>'")
    created_at: datetime
    active_version: ScriptVersionOut | None = None
