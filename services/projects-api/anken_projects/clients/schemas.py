from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import ConfigDict, Field

from anken_projects.kit.schemas import Output, StrictInput


class ClientCreate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "株式会社サンプルSaaS", "industry": "SaaS"}]})
    name: str = Field(min_length=1, max_length=200)
    industry: str | None = Field(default=None, max_length=100)


class ClientUpdate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"industry": "HR Tech"}]})
    name: str | None = Field(default=None, min_length=1, max_length=200)
    industry: str | None = Field(default=None, max_length=100)


class ClientOut(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "6f1c2f0e-8a59-4c1b-9a43-1f2d3c4b5a69", "name": "株式会社サンプルSaaS", "industry": "SaaS",
        "created_at": "2026-11-23T09:00:00+09:00", "updated_at": "2026-11-23T09:00:00+09:00", "version": 1,
    }]})
    id: uuid.UUID
    name: str
    industry: str | None
    created_at: datetime
    updated_at: datetime
    version: int
