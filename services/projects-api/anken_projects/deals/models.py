"""Pipelines with ordered stages, deals, and the history of every tracked deal change."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from anken_projects.kit.models import SCHEMA, created_at_field, utc_now


class ForecastCategory(StrEnum):
    pipeline = "pipeline"
    best_case = "best_case"
    commit = "commit"
    omitted = "omitted"


class DealStatus(StrEnum):
    open = "open"
    won = "won"
    lost = "lost"


class LeadSource(StrEnum):
    """流入経路: where the deal came from."""

    outbound_appointment = "outbound_appointment"
    inbound = "inbound"
    referral = "referral"
    partner = "partner"
    event = "event"
    existing_customer = "existing_customer"
    other = "other"


# The fields whose every change is kept in deal_changes (DESIGN §2: stage, amount, dates …).
TRACKED_FIELDS = ("pipeline_id", "stage_id", "status", "amount", "probability", "forecast_category",
                  "expected_close_date", "owner_id")


class Pipeline(SQLModel, table=True):
    __tablename__ = "pipelines"
    __table_args__ = {"schema": SCHEMA}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=100)
    is_default: bool = False
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))
    version: int = 1


class Stage(SQLModel, table=True):
    __tablename__ = "pipeline_stages"
    __table_args__ = (sa.UniqueConstraint("pipeline_id", "name", name="uq_pipeline_stages_name"), {"schema": SCHEMA})

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    pipeline_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.pipelines.id", index=True)
    name: str = Field(max_length=100)
    position: int
    probability: int = Field(description="Default win probability, 0–100")
    aging_limit_days: int | None = None
    exit_criteria: str | None = None
    is_won: bool = False
    is_lost: bool = False

    @property
    def is_terminal(self) -> bool:
        return self.is_won or self.is_lost


class Deal(SQLModel, table=True):
    __tablename__ = "deals"
    __table_args__ = (
        sa.Index("ix_deals_owner_status", "owner_id", "status"),
        sa.Index("ix_deals_created_id", "created_at", "id"),
        {"schema": SCHEMA},
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    name: str = Field(max_length=200)
    account_name: str = Field(max_length=200)
    client_id: uuid.UUID | None = Field(default=None, foreign_key=f"{SCHEMA}.clients.id", index=True)
    appointment_id: uuid.UUID | None = Field(default=None, index=True)
    owner_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.users.id")
    pipeline_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.pipelines.id")
    stage_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.pipeline_stages.id", index=True)
    amount: int = Field(default=0, sa_type=sa.BigInteger)
    probability: int = 0
    expected_close_date: date | None = None
    lead_source: LeadSource | None = Field(default=None, sa_type=sa.String(32))
    forecast_category: ForecastCategory = Field(default=ForecastCategory.pipeline, sa_type=sa.String(16))
    status: DealStatus = Field(default=DealStatus.open, sa_type=sa.String(8))
    closed_at: datetime | None = Field(default=None, sa_type=sa.DateTime(timezone=True))
    stage_entered_at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))
    # MEDDICC qualification.
    metrics: str | None = None
    economic_buyer: str | None = None
    decision_criteria: str | None = None
    decision_process: str | None = None
    identify_pain: str | None = None
    champion: str | None = None
    competition: str | None = None
    next_step: str | None = None
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))
    version: int = 1


class DealChange(SQLModel, table=True):
    """One field of one deal changed (or set at creation, then `old_value` is null)."""

    __tablename__ = "deal_changes"
    __table_args__ = (sa.Index("ix_deal_changes_deal", "deal_id", "id"), {"schema": SCHEMA})

    id: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger, sa.Identity(), primary_key=True))
    deal_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.deals.id")
    field: str = Field(max_length=32)
    old_value: Any = Field(default=None, sa_type=JSONB)
    new_value: Any = Field(default=None, sa_type=JSONB)
    # Stage names at the time of the change, so the history reads without a join.
    old_label: str | None = Field(default=None, max_length=100)
    new_label: str | None = Field(default=None, max_length=100)
    actor_type: str = Field(max_length=16)
    actor_id: str | None = Field(default=None, max_length=64)
    changed_at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))
