"""Comments on a published weekly report: the client's people write them, the director reads them."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID
from sqlmodel import SQLModel

from anken_reporting.settings import SCHEMA

_UUID = UUID(as_uuid=True)

report_comments = sa.Table(
    "report_comments",
    SQLModel.metadata,
    sa.Column("id", _UUID, primary_key=True),
    sa.Column("project_id", _UUID, nullable=False),
    sa.Column("client_id", _UUID, nullable=False),
    sa.Column("iso_week", sa.String(8), nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("author_id", sa.String(64), nullable=False),
    sa.Column("author_name", sa.String(200)),
    sa.Column("author_role", sa.String(16)),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    sa.Index("ix_report_comments_project_week", "project_id", "iso_week", "created_at"),
    schema=SCHEMA,
)
