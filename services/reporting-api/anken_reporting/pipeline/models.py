"""The deals read model: current state, change history, stages, quotas and owners' teams."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from anken_reporting.kit.models import SCHEMA_ARGS, utc_now

_TS = sa.DateTime(timezone=True)


class PipelineStage(SQLModel, table=True):
    __tablename__ = "pipeline_stages"
    __table_args__ = SCHEMA_ARGS

    id: uuid.UUID = Field(primary_key=True)
    pipeline_id: uuid.UUID
    pipeline_name: str = Field(max_length=200)
    name: str = Field(max_length=200)
    position: int
    probability: int
    aging_limit_days: int | None = None
    is_won: bool = False
    is_lost: bool = False


class PipelineDeal(SQLModel, table=True):
    __tablename__ = "pipeline_deals"
    __table_args__ = SCHEMA_ARGS

    id: uuid.UUID = Field(primary_key=True)
    name: str = Field(max_length=300)
    account_name: str = Field(max_length=300)
    client_id: uuid.UUID | None = None
    owner_id: uuid.UUID
    pipeline_id: uuid.UUID
    stage_id: uuid.UUID
    amount: int = Field(sa_type=sa.BigInteger)
    probability: int
    expected_close_date: date | None = None
    forecast_category: str = Field(max_length=16)
    status: str = Field(max_length=8)
    lead_source: str | None = Field(default=None, max_length=100)
    created_at: datetime = Field(sa_type=_TS)
    closed_at: datetime | None = Field(default=None, sa_type=_TS)
    stage_entered_at: datetime = Field(sa_type=_TS)
    source_sequence: int = Field(default=0, sa_type=sa.BigInteger)
    source_occurred_at: datetime = Field(sa_type=_TS)


class PipelineDealHistory(SQLModel, table=True):
    __tablename__ = "pipeline_deal_history"
    # A redelivered event never writes the same change twice.
    __table_args__ = (sa.UniqueConstraint("event_id", "field", name="uq_pipeline_deal_history_event_field"), SCHEMA_ARGS)

    id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), primary_key=True))
    deal_id: uuid.UUID
    event_id: uuid.UUID
    field: str = Field(max_length=32)
    old_value: str | None = Field(default=None, max_length=100)
    new_value: str | None = Field(default=None, max_length=100)
    changed_at: datetime = Field(sa_type=_TS)


class PipelineQuota(SQLModel, table=True):
    __tablename__ = "pipeline_quotas"
    __table_args__ = SCHEMA_ARGS

    id: uuid.UUID = Field(primary_key=True)
    owner_id: uuid.UUID
    period_start: date
    period_end: date
    amount: int = Field(sa_type=sa.BigInteger)


class PipelineOwnerTeam(SQLModel, table=True):
    __tablename__ = "pipeline_owner_teams"
    __table_args__ = SCHEMA_ARGS

    owner_id: uuid.UUID = Field(primary_key=True)
    team: str = Field(max_length=100)
    updated_at: datetime = Field(default_factory=utc_now, sa_type=_TS)
