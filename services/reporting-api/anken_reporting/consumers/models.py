"""What the events consumer records beside each change: the events already applied
(idempotency) and the last applied outbox sequence per aggregate (order safety)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import UUID
from sqlmodel import SQLModel

from anken_reporting.settings import SCHEMA

# An event id is inserted in the same transaction as the change it caused.
processed_events = sa.Table(
    "processed_events",
    SQLModel.metadata,
    sa.Column("event_id", UUID(as_uuid=True), primary_key=True),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    schema=SCHEMA,
)

# The last applied outbox sequence per aggregate; older snapshots are ignored.
aggregate_positions = sa.Table(
    "aggregate_positions",
    SQLModel.metadata,
    sa.Column("aggregate_type", sa.String(32), primary_key=True),
    sa.Column("aggregate_id", sa.String(64), primary_key=True),
    sa.Column("sequence", sa.BigInteger, nullable=False),
    schema=SCHEMA,
)
