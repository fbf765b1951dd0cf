"""Daily reports (日報): one end-of-day report per member, project and day."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from anken_projects.kit.models import SCHEMA, created_at_field, utc_now

TEXT_MAX = 4000


class DailyReport(SQLModel, table=True):
    __tablename__ = "daily_reports"
    __table_args__ = (
        sa.UniqueConstraint("project_id", "member_id", "day", name="uq_daily_reports_project_member_day"),
        {"schema": SCHEMA},
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.projects.id", index=True)
    member_id: uuid.UUID = Field(foreign_key=f"{SCHEMA}.users.id", index=True)
    day: date
    hours: Decimal = Field(sa_type=sa.Numeric(4, 2))
    summary: str = Field(sa_type=sa.Text)
    good_reactions: str = Field(default="", sa_type=sa.Text)
    objections: str = Field(default="", sa_type=sa.Text)
    next_actions: str = Field(default="", sa_type=sa.Text)
    created_at: datetime = created_at_field()
    updated_at: datetime = Field(default_factory=utc_now, sa_type=sa.DateTime(timezone=True))
    version: int = 1
