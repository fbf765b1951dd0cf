"""Shared weekly report links: one row per link, its token derived from the id (report_links.tokens)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID
from sqlmodel import SQLModel

from anken_reporting.settings import SCHEMA

_UUID = UUID(as_uuid=True)
_TS = sa.DateTime(timezone=True)

report_links = sa.Table(
    "report_links",
    SQLModel.metadata,
    sa.Column("id", _UUID, primary_key=True),
    sa.Column("client_id", _UUID, nullable=False),
    sa.Column("project_id", _UUID, nullable=False),
    sa.Column("iso_week", sa.String(8), nullable=False),
    sa.Column("created_by", sa.String(64), nullable=False),
    sa.Column("created_at", _TS, nullable=False, server_default=sa.func.now()),
    sa.Column("expires_at", _TS, nullable=False),
    sa.Column("revoked_at", _TS),
    sa.Column("revoked_by", sa.String(64)),
    sa.Column("last_opened_at", _TS),
    sa.Column("open_count", sa.Integer, nullable=False, server_default="0"),
    # A retried create (the worker's Idempotency-Key) answers the link it made the first time.
    sa.Column("idempotency_key", sa.String(255)),
    sa.UniqueConstraint("created_by", "idempotency_key", name="uq_report_links_idempotency"),
    sa.Index("ix_report_links_project_week", "project_id", "iso_week"),
    sa.Index("ix_report_links_client", "client_id"),
    schema=SCHEMA,
)
