"""integrations: delivery log, integration settings and health, webhook endpoints, project links

Revision ID: 0001_integrations
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0001_integrations"
down_revision = None
branch_labels = None
depends_on = None

S = "integrations"


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, server_default=None if nullable else sa.func.now())


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        # Consumption order: deliveries of one order key run in this order.
        sa.Column("seq", sa.BigInteger, sa.Identity(always=False), nullable=False, unique=True),
        sa.Column("idempotency_key", sa.String(300), nullable=False, unique=True),
        sa.Column("integration", sa.String(16), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target", sa.String(300), nullable=False, server_default=""),
        sa.Column("order_key", sa.String(200), nullable=False),
        sa.Column("project_id", UUID(as_uuid=True)),
        sa.Column("client_id", UUID(as_uuid=True)),
        sa.Column("source_event_id", UUID(as_uuid=True)),
        sa.Column("source_event_type", sa.String(64)),
        sa.Column("payload", JSONB, nullable=False, server_default="{}"),
        sa.Column("payload_hash", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text),
        sa.Column("response_excerpt", sa.Text),
        sa.Column("external_ref", sa.String(300)),
        sa.Column("progress", JSONB, nullable=False, server_default="{}"),
        _ts("next_attempt_at"),
        _ts("created_at"), _ts("updated_at"), _ts("completed_at", nullable=True),
        sa.CheckConstraint(
            "status IN ('pending','retrying','succeeded','dead','skipped')", name="ck_deliveries_status"
        ),
        schema=S,
    )
    op.create_index("ix_deliveries_open", "deliveries", ["next_attempt_at"], schema=S,
                    postgresql_where=sa.text("status IN ('pending','retrying')"))
    op.create_index("ix_deliveries_order", "deliveries", ["order_key", "seq"], schema=S)
    op.create_index("ix_deliveries_integration_status", "deliveries", ["integration", "status", "seq"], schema=S)
    op.create_index("ix_deliveries_project", "deliveries", ["project_id", "seq"], schema=S)

    op.create_table(
        "integration_settings",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("client_id", UUID(as_uuid=True), nullable=False),
        sa.Column("project_id", UUID(as_uuid=True)),
        sa.Column("integration", sa.String(16), nullable=False),
        sa.Column("config", JSONB, nullable=False, server_default="{}"),
        sa.Column("secret_encrypted", sa.Text),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
        _ts("created_at"), _ts("updated_at"),
        schema=S,
    )
    op.create_index(
        "uq_integration_settings_scope", "integration_settings",
        ["integration", "client_id", sa.text("coalesce(project_id, '00000000-0000-0000-0000-000000000000'::uuid)")],
        unique=True, schema=S,
    )

    op.create_table(
        "integration_health",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("integration", sa.String(16), nullable=False),
        sa.Column("scope", sa.String(200), nullable=False),
        sa.Column("healthy", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("reason", sa.Text),
        _ts("since"),
        _ts("director_notified_at", nullable=True),
        sa.UniqueConstraint("integration", "scope", name="uq_integration_health_scope"),
        schema=S,
    )

    op.create_table(
        "webhook_endpoints",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("client_id", UUID(as_uuid=True), nullable=False, index=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("description", sa.String(200)),
        sa.Column("events", JSONB, nullable=False, server_default="[]"),
        sa.Column("secret_encrypted", sa.Text, nullable=False),
        sa.Column("previous_secret_encrypted", sa.Text),
        _ts("previous_secret_expires_at", nullable=True),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        _ts("created_at"), _ts("updated_at"),
        schema=S,
    )

    op.create_table(
        "project_links",
        sa.Column("project_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("client_id", UUID(as_uuid=True), nullable=False, index=True),
        sa.Column("client_name", sa.String(200)),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("director_id", UUID(as_uuid=True)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False, server_default="Asia/Tokyo"),
        sa.Column("monthly_appointment_target", sa.Integer, nullable=False, server_default="0"),
        sa.Column("snapshot", JSONB, nullable=False, server_default="{}"),
        sa.Column("slack_channel_id", sa.String(64)),
        sa.Column("slack_channel_name", sa.String(80)),
        sa.Column("confluence_pages", JSONB, nullable=False, server_default="{}"),
        sa.Column("spreadsheet_id", sa.String(200)),
        sa.Column("tracking_spreadsheet_id", sa.String(200)),
        _ts("created_at"), _ts("updated_at"),
        schema=S,
    )

    op.create_table(
        "people",
        sa.Column("user_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("slack_user_id", sa.String(64)),
        _ts("updated_at"),
        schema=S,
    )

    op.create_table(
        "project_members",
        sa.Column("project_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("member_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("member_name", sa.String(100)),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        schema=S,
    )

    op.create_table(
        "sheet_rows",
        sa.Column("spreadsheet_id", sa.String(200), primary_key=True),
        sa.Column("target_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("row_number", sa.Integer, nullable=False),
        sa.Column("status", sa.String(64)),
        _ts("updated_at"),
        sa.UniqueConstraint("spreadsheet_id", "row_number", name="uq_sheet_rows_row"),
        schema=S,
    )

    op.create_table(
        "unknown_events",
        sa.Column("event_type", sa.String(100), primary_key=True),
        sa.Column("count", sa.BigInteger, nullable=False, server_default="0"),
        _ts("last_seen_at"),
        schema=S,
    )


def downgrade() -> None:
    for table in ("unknown_events", "sheet_rows", "project_members", "people", "project_links",
                  "webhook_endpoints", "integration_health", "integration_settings", "deliveries"):
        op.drop_table(table, schema=S)
