"""Member pace alerts: raised at most once a day per (project, member, rule), then acknowledged."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID
from sqlmodel import SQLModel

from anken_reporting.settings import SCHEMA

_UUID = UUID(as_uuid=True)

pace_alerts = sa.Table(
    "pace_alerts",
    SQLModel.metadata,
    sa.Column("id", _UUID, primary_key=True),
    sa.Column("project_id", _UUID, nullable=False),
    sa.Column("member_id", _UUID, nullable=False),
    sa.Column("director_id", _UUID),
    sa.Column("rule", sa.String(64), nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("value", sa.Float),
    sa.Column("threshold", sa.Float),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, server_default="open"),
    sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("acknowledged_at", sa.DateTime(timezone=True)),
    sa.Column("acknowledged_by", sa.String(64)),
    sa.UniqueConstraint("project_id", "member_id", "rule", "day", name="uq_pace_alerts_once_a_day"),
    sa.Index("ix_pace_alerts_project_status", "project_id", "status"),
    schema=SCHEMA,
)
