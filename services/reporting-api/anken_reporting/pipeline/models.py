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
    pipeline_name: str
    name: str
    position: int
    probability: int
    aging_limit_days: int | None = None
    is_won: bool = False
    is_lost: bool = False


class PipelineDeal(SQLModel, table=True):
    __tablename__ = "pipeline_deals"
    __table_args__ = SCHEMA_ARGS

    id: uuid.UUID = Field(primary_key=True)
    name: str
    account_name: str
    client_id: uuid.UUID | None = None
    owner_id: uuid.UUID
    pipeline_id: uuid.UUID
    stage_id: uuid.UUID
    amount: int = Field(sa_type=sa.BigInteger)
    probability: int
    expected_close_date: date | None = None
    forecast_category: str
    status: str
    lead_source: str | None = None
    created_at: datetime = Field(sa_type=_TS)
    closed_at: datetime | None = Field(default=None, sa_type=_TS)
    stage_entered_at: datetime = Field(sa_type=_TS)
    source_sequence: int = Field(default=0, sa_type=sa.BigInteger)
    source_occurred_at: datetime = Field(sa_type=_TS)


class PipelineDealHistory(SQLModel, table=True):
    __tablename__ = "pipeline_deal_history"
    __table_args__ = SCHEMA_ARGS

    id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), primary_key=True))
    deal_id: uuid.UUID
    event_id: uuid.UUID
    field: str
    old_value: str | None = None
    new_value: str | None = None
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
    team: str
    updated_at: datetime = Field(default_factory=utc_now, sa_type=_TS)
