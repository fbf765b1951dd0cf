"""Quota: the amount (yen) an owner should win in a period."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from anken_projects.kit.models import SCHEMA, created_at_field, utc_now


class Quota(SQLModel, table=True):
    __tablename__ = "quotas"
    __table_args__ = (
        sa.UniqueConstraint("owner_id", "period_start", "period_end", name="uq_quotas_owner_period"),
        sa.CheckConstraint("period_end > period_start", name="ck_quotas_period"),
        sa.CheckConstraint("amount >= 0", name="ck_quotas_amount"),
        {"schema": SCHEMA},
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    owner_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.users.id", index=True)
    period_start: date
    period_end: date = Field(description="Exclusive")
    amount: int = Field(sa_type=sa.BigInteger)
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))
    version: int = 1
