"""Read-model rebuild jobs: one row per rebuild, with its progress and outcome."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID
from sqlmodel import SQLModel

from anken_reporting.settings import SCHEMA

rebuild_jobs = sa.Table(
    "rebuild_jobs",
    SQLModel.metadata,
    sa.Column("id", UUID(as_uuid=True), primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("events_applied", sa.BigInteger, nullable=False, server_default="0"),
    sa.Column("pages", sa.Integer, nullable=False, server_default="0"),
    sa.Column("cursor", sa.String(200)),
    sa.Column("error", sa.Text),
    sa.Column("started_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Column("finished_at", sa.DateTime(timezone=True)),
    schema=SCHEMA,
)
