"""Appointments (アポ) set on calls, handed off to the client, and their outcome."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field, SQLModel

from anken_projects.kit.models import SCHEMA, utc_now


class HandoffStatus(StrEnum):
    set = "set"
    held = "held"
    no_show = "no_show"
    cancelled = "cancelled"


class PartnerOutcome(StrEnum):
    qualified = "qualified"
    unqualified = "unqualified"


class ClientDealStage(StrEnum):
    """The stage of the client's own deal that an appointment became (the client's outcome data,
    never an agency Deal: it stays out of the agency's pipeline, forecast and quota attainment)."""

    proposal = "proposal"
    negotiation = "negotiation"
    won = "won"
    lost = "lost"



class Appointment(SQLModel, table=True):
    __tablename__ = "appointments"
    __table_args__ = {"schema": SCHEMA}

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.projects.id")
    client_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.clients.id")
    # calls is partitioned (key (id, occurred_at)), so the link is kept without a foreign key.
    call_id: uuid.UUID | None = None
    member_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.users.id")
    target_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.targets.id")
    company_name: str = Field(max_length=200)
    contact_name: str | None = Field(default=None, max_length=100)
    contact_title: str | None = Field(default=None, max_length=100)
    meeting_at: datetime = Field(sa_type=sa.DateTime(timezone=True))
    qualification: dict[str, str] = Field(default_factory=dict, sa_type=JSONB)
    handoff_status: HandoffStatus = Field(default=HandoffStatus.set, sa_type=sa.String(16))
    partner_outcome: PartnerOutcome | None = Field(default=None, sa_type=sa.String(16))
    unqualified_reason: str | None = Field(default=None, max_length=100)
    # The client's deal (outcome data, not an agency Deal): its id, amount (yen) and stage.
    deal_id: uuid.UUID | None = None
    deal_amount: int | None = None
    deal_stage: ClientDealStage | None = Field(default=None, sa_type=sa.String(100))
    rescheduled_count: int = 0
    note: str | None = None
    set_at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))
    version: int = 1
