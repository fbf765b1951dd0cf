"""Call activities (架電): the table that grows without end, range-partitioned by month."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from anken_common.call_outcomes import CallOutcome as CallOutcome  # the one list of outcomes
from anken_projects.kit.models import SCHEMA, utc_now


class Call(SQLModel, table=True):
    __tablename__ = "calls"
    # The primary key includes the partition key, as PostgreSQL requires for partitioned tables.
    __table_args__ = {"schema": SCHEMA}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    occurred_at: datetime = Field(sa_type=sa.DateTime(timezone=True), primary_key=True)
    project_id: uuid.UUID
    client_id: uuid.UUID
    member_id: uuid.UUID
    target_id: uuid.UUID
    outcome: CallOutcome = Field(sa_type=sa.String(24))
    duration_s: int = 0
    script_version_id: uuid.UUID | None = None
    variant: str | None = Field(default=None, max_length=40)
    note: str | None = None
    created_at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))
    version: int = 1


CALL_COLUMNS = (
    "id", "occurred_at", "project_id", "client_id", "member_id", "target_id", "outcome", "duration_s",
    "script_version_id", "variant", "note", "created_at", "updated_at", "version",
)
