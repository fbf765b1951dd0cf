"""Target lists (アプローチリスト), their targets, and import jobs."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from anken_projects.kit.models import SCHEMA, created_at_field, utc_now


class TargetStatus(StrEnum):
    new = "new"
    called = "called"
    callback = "callback"
    appointment = "appointment"
    excluded = "excluded"
    dnc = "dnc"


# Statuses a person may set by hand (in this order); the others follow from calls and do-not-call entries.
MANUAL_STATUSES = (TargetStatus.new, TargetStatus.callback, TargetStatus.excluded)


def settable_statuses(current: TargetStatus | str) -> tuple[TargetStatus, ...]:
    """The statuses a person may set on a target now: none while it is do-not-call."""
    return () if current == TargetStatus.dnc else MANUAL_STATUSES


class ImportStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    cancelled = "cancelled"


class TargetList(SQLModel, table=True):
    __tablename__ = "target_lists"
    __table_args__ = {"schema": SCHEMA}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.projects.id", index=True)
    client_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.clients.id", index=True)
    name: str = Field(max_length=200)
    source: str | None = Field(default=None, max_length=100)
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))
    version: int = 1


class Target(SQLModel, table=True):
    __tablename__ = "targets"
    __table_args__ = {"schema": SCHEMA}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    target_list_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.target_lists.id")
    project_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.projects.id")
    client_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.clients.id")
    company_name: str = Field(max_length=200)
    company_name_key: str = Field(max_length=200)
    industry: str | None = Field(default=None, max_length=100)
    size: str | None = Field(default=None, max_length=50)
    region: str | None = Field(default=None, max_length=50)
    phone: str | None = Field(default=None, max_length=20)
    corporate_number: str | None = Field(default=None, max_length=13)
    contact_name: str | None = Field(default=None, max_length=100)
    note: str | None = None
    priority_tier: int = 3
    status: TargetStatus = Field(default=TargetStatus.new, sa_type=sa.String(16))
    callback_due_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    call_count: int = 0
    last_called_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    leased_by: uuid.UUID | None = None
    lease_expires_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))
    version: int = 1


class TargetImport(SQLModel, table=True):
    """One upload: its progress is written on its own connection so it can be watched live."""

    __tablename__ = "target_imports"
    __table_args__ = {"schema": SCHEMA}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    target_list_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.target_lists.id", index=True)
    project_id: uuid.UUID
    client_id: uuid.UUID
    filename: str | None = Field(default=None, max_length=255)
    file_kind: str = Field(max_length=8)
    encoding: str | None = Field(default=None, max_length=16)
    dry_run: bool = False
    status: ImportStatus = Field(default=ImportStatus.running, sa_type=sa.String(16))
    rows_total: int | None = None
    rows_processed: int = 0
    created_count: int = 0
    accepted_count: int = 0
    duplicate_count: int = 0
    error_count: int = 0
    errors: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONB)
    duplicates: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSONB)
    created_by: str | None = Field(default=None, max_length=64)
    created_at: datetime = created_at_field()
    finished_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
