"""reporting core: processed events, aggregate positions, outbox

Revision ID: 0001_reporting
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0001_reporting"
down_revision = None
branch_labels = None
depends_on = None

S = "reporting"


def upgrade() -> None:
    # Idempotency: an event id is inserted in the same transaction as the change it caused.
    op.create_table(
        "processed_events",
        sa.Column("event_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        schema=S,
    )
    # Order safety: the last applied outbox sequence per aggregate; older snapshots are ignored.
    op.create_table(
        "aggregate_positions",
        sa.Column("aggregate_type", sa.String(32), primary_key=True),
        sa.Column("aggregate_id", sa.String(64), primary_key=True),
        sa.Column("sequence", sa.BigInteger, nullable=False),
        schema=S,
    )
    # reporting-api's own outbox (pace alerts, published reports), relayed to the events stream.
    op.create_table(
        "outbox_events",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("type", sa.String(64), nullable=False, index=True),
        sa.Column("aggregate_type", sa.String(32), nullable=False),
        sa.Column("aggregate_id", sa.String(64), nullable=False),
        sa.Column("tenant", UUID(as_uuid=True)),
        sa.Column("payload", JSONB, nullable=False, server_default="{}"),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        schema=S,
    )
    op.create_index(
        "ix_outbox_unpublished", "outbox_events", ["id"], schema=S, postgresql_where=sa.text("published_at IS NULL")
    )


def downgrade() -> None:
    op.drop_table("outbox_events", schema=S)
    op.drop_table("aggregate_positions", schema=S)
    op.drop_table("processed_events", schema=S)
