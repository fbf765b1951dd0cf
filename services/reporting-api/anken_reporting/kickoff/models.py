"""A project's kickoff checklist as reporting-api hears it from kickoff_item.updated events."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from anken_reporting.kit.models import SCHEMA_ARGS, utc_now


class KickoffItem(SQLModel, table=True):
    __tablename__ = "kickoff_items"
    __table_args__ = SCHEMA_ARGS

    id: uuid.UUID = Field(primary_key=True)
    project_id: uuid.UUID
    key: str = Field(max_length=100)
    label: str = Field(max_length=300)
    required: bool
    agreed: bool
    value: str | None = Field(default=None, sa_type=sa.Text)
    source_sequence: int = Field(default=0, sa_type=sa.BigInteger)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))
