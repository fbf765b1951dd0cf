"""Weekly report drafts (editable notes) and published versions (immutable snapshots)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from anken_reporting.kit.models import SCHEMA_ARGS, utc_now

_TS = sa.DateTime(timezone=True)


class WeeklyReportDraft(SQLModel, table=True):
    __tablename__ = "weekly_report_drafts"
    __table_args__ = SCHEMA_ARGS

    project_id: uuid.UUID = Field(primary_key=True)
    iso_week: str = Field(primary_key=True, max_length=8)
    notes: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    next_actions: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONB)
    revision: int = 1
    updated_by: str | None = Field(default=None, max_length=64)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=_TS)


class WeeklyReportVersion(SQLModel, table=True):
    __tablename__ = "weekly_report_versions"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "iso_week", "version", name="uq_weekly_report_versions_week_version"),
        SCHEMA_ARGS,
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID
    client_id: uuid.UUID | None = None
    iso_week: str = Field(max_length=8)
    version: int
    report: dict[str, Any] = Field(sa_type=JSONB)
    published_by: str | None = Field(default=None, max_length=64)
    published_at: datetime = Field(default_factory=utc_now, sa_type=_TS)
