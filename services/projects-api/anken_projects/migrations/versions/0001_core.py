"""core: clients, users, projects, assignments, outbox, audit

Revision ID: 0001_core
Revises:
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None

S = "projects"


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, server_default=None if nullable else sa.func.now())


def upgrade() -> None:
    op.create_table(
        "clients",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, index=True),
        sa.Column("industry", sa.String(100)),
        _ts("created_at"), _ts("updated_at"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        schema=S,
    )
    op.create_table(
        "users",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("password_hash", sa.String(255)),
        sa.Column("locale", sa.String(8), nullable=False, server_default="ja"),
        sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.true()),
        _ts("created_at"), _ts("updated_at"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.CheckConstraint("role IN ('admin','director','manager','member')", name="ck_users_role"),
        schema=S,
    )
    op.create_index("uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True, schema=S)
    op.create_table(
        "projects",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("client_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.clients.id"), nullable=False, index=True),
        sa.Column("director_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.users.id"), index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("product", sa.String(200)),
        sa.Column("status", sa.String(16), nullable=False, server_default="draft", index=True),
        sa.Column("timezone", sa.String(64), nullable=False, server_default="Asia/Tokyo"),
        sa.Column("monthly_appointment_target", sa.Integer, nullable=False, server_default="0"),
        sa.Column("contracted_monthly_hours", sa.Integer, nullable=False, server_default="0"),
        sa.Column("contract_start", sa.Date),
        sa.Column("contract_end", sa.Date),
        sa.Column("renewal_date", sa.Date),
        sa.Column("appointment_definition", sa.Text),
        sa.Column("qualification_fields", JSONB, nullable=False, server_default="[]"),
        sa.Column("target_definition", sa.Text),
        sa.Column("handoff_contact", sa.String(200)),
        sa.Column("calendar_link", sa.String(500)),
        sa.Column("slack_channel", sa.String(100)),
        sa.Column("confluence_page_url", sa.String(500)),
        sa.Column("spreadsheet_url", sa.String(500)),
        sa.Column("extra_closed_days", JSONB, nullable=False, server_default="[]"),
        _ts("created_at"), _ts("updated_at"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.CheckConstraint("status IN ('draft','kickoff','active','paused','ended')", name="ck_projects_status"),
        sa.CheckConstraint("monthly_appointment_target >= 0", name="ck_projects_target_nonneg"),
        sa.CheckConstraint("contracted_monthly_hours >= 0", name="ck_projects_hours_nonneg"),
        schema=S,
    )
    op.create_table(
        "assignments",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("project_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.projects.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("member_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.users.id"), nullable=False, index=True),
        sa.Column("planned_hours", sa.Integer, nullable=False, server_default="0"),
        _ts("created_at"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.UniqueConstraint("project_id", "member_id", name="uq_assignments_project_member"),
        schema=S,
    )
    op.create_table(
        "outbox_events",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        sa.Column("type", sa.String(64), nullable=False, index=True),
        sa.Column("aggregate_type", sa.String(32), nullable=False),
        sa.Column("aggregate_id", sa.String(64), nullable=False),
        sa.Column("tenant", UUID(as_uuid=True)),
        sa.Column("payload", JSONB, nullable=False, server_default="{}"),
        _ts("occurred_at"),
        _ts("published_at", nullable=True),
        schema=S,
    )
    op.create_index("ix_outbox_unpublished", "outbox_events", ["id"], schema=S, postgresql_where=sa.text("published_at IS NULL"))
    op.create_table(
        "audit_entries",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("actor_type", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.String(64)),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("entity_type", sa.String(32), nullable=False),
        sa.Column("entity_id", sa.String(64), nullable=False),
        sa.Column("before", JSONB),
        sa.Column("after", JSONB),
        sa.Column("request_id", sa.String(100)),
        _ts("at"),
        schema=S,
    )
    op.create_index("ix_audit_entity", "audit_entries", ["entity_type", "entity_id"], schema=S)
    op.create_index("ix_audit_entries_at", "audit_entries", ["at"], schema=S)


def downgrade() -> None:
    for table in ("audit_entries", "outbox_events", "assignments", "projects", "users", "clients"):
        op.drop_table(table, schema=S)
