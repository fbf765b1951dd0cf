"""reporting-api's outbox: its own events (pace alerts, published weekly reports), written in the
transaction of the change they describe (the table is created by migration 0001)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from anken_reporting.kit.models import SCHEMA_ARGS, utc_now


class OutboxEvent(SQLModel, table=True):
    __tablename__ = "outbox_events"
    __table_args__ = SCHEMA_ARGS

    id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), primary_key=True))
    event_id: uuid.UUID = Field(default_factory=uuid.uuid4, unique=True)
    type: str = Field(max_length=64)
    aggregate_type: str = Field(max_length=32)
    aggregate_id: str = Field(max_length=64)
    tenant: uuid.UUID | None = None
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSONB)
    occurred_at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))
    published_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
