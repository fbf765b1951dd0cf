"""Weekly forecast snapshots per owner and period, kept so accuracy can be measured afterwards."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from anken_reporting.kit.models import SCHEMA_ARGS, utc_now


class ForecastSnapshot(SQLModel, table=True):
    __tablename__ = "forecast_snapshots"
    # One snapshot per owner, period and ISO week: a retried weekly job replaces, never duplicates.
    __table_args__ = (
        sa.UniqueConstraint("owner_id", "period", "snapshot_week", name="uq_forecast_snapshots_owner_period_week"),
        SCHEMA_ARGS,
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    owner_id: uuid.UUID
    period: str = Field(max_length=8)
    period_start: date
    period_end: date
    snapshot_week: str = Field(max_length=8)
    won: int = Field(sa_type=sa.BigInteger)
    commit: int = Field(sa_type=sa.BigInteger)
    best_case: int = Field(sa_type=sa.BigInteger)
    pipeline: int = Field(sa_type=sa.BigInteger)
    weighted: int = Field(sa_type=sa.BigInteger)
    quota: int | None = Field(default=None, sa_type=sa.BigInteger)
    taken_at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))
