"""registry: api keys, kickoff items, contract changes, worked hours, scripts, project meeting slot

Revision ID: 0002_registry
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0002_registry"
down_revision = "0001_core"
branch_labels = None
depends_on = None

S = "projects"


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, server_default=None if nullable else sa.func.now())


def _fk(name: str, target: str, *, nullable: bool = False, ondelete: str | None = None) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=True), sa.ForeignKey(f"{S}.{target}", ondelete=ondelete), nullable=nullable, index=True)


def upgrade() -> None:
    op.add_column("projects", sa.Column("weekly_meeting_weekday", sa.SmallInteger), schema=S)
    op.add_column("projects", sa.Column("weekly_meeting_time", sa.String(5)), schema=S)
    op.create_check_constraint(
        "ck_projects_meeting_weekday", "projects", "weekly_meeting_weekday BETWEEN 0 AND 6", schema=S
    )
    op.create_check_constraint(
        "ck_projects_contract_dates", "projects",
        "contract_start IS NULL OR contract_end IS NULL OR contract_end >= contract_start", schema=S,
    )
    op.create_index("ix_projects_created_id", "projects", ["created_at", "id"], schema=S)
    op.create_index("ix_clients_created_id", "clients", ["created_at", "id"], schema=S)
    op.create_index("ix_users_created_id", "users", ["created_at", "id"], schema=S)
    op.add_column("assignments", _ts("updated_at"), schema=S)
    op.create_check_constraint("ck_assignments_planned_nonneg", "assignments", "planned_hours >= 0", schema=S)

    op.create_table(
        "api_keys",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        _fk("client_id", "clients.id"),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False, unique=True),
        sa.Column("secret_hash", sa.String(128), nullable=False),
        sa.Column("scopes", JSONB, nullable=False, server_default="[]"),
        sa.Column("created_by", UUID(as_uuid=True)),
        _ts("created_at"),
        _ts("last_used_at", nullable=True),
        _ts("revoked_at", nullable=True),
        schema=S,
    )
    op.create_table(
        "kickoff_items",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        _fk("project_id", "projects.id", ondelete="CASCADE"),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer, nullable=False, server_default="0"),
        sa.Column("required", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("agreed", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("value", sa.Text),
        _ts("agreed_at", nullable=True),
        sa.Column("agreed_by", UUID(as_uuid=True)),
        _ts("created_at"), _ts("updated_at"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.UniqueConstraint("project_id", "key", name="uq_kickoff_items_project_key"),
        schema=S,
    )
    op.create_table(
        "contract_changes",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        _fk("project_id", "projects.id", ondelete="CASCADE"),
        _fk("client_id", "clients.id"),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("effective_date", sa.Date, nullable=False),
        sa.Column("term_end_date", sa.Date),
        sa.Column("new_contract_end", sa.Date),
        sa.Column("hours_before", sa.Integer),
        sa.Column("hours_after", sa.Integer),
        sa.Column("scope_increased", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("note", sa.Text),
        sa.Column("created_by", UUID(as_uuid=True)),
        _ts("created_at"),
        sa.CheckConstraint("kind IN ('renewal','upsell','downsell','end')", name="ck_contract_changes_kind"),
        sa.CheckConstraint(
            "new_contract_end IS NULL OR new_contract_end >= effective_date", name="ck_contract_changes_end_after_start"
        ),
        schema=S,
    )
    op.create_index("ix_contract_changes_effective", "contract_changes", ["effective_date"], schema=S)
    op.create_table(
        "worked_hours",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        _fk("project_id", "projects.id", ondelete="CASCADE"),
        _fk("member_id", "users.id"),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("hours", sa.Numeric(4, 2), nullable=False),
        _ts("created_at"), _ts("updated_at"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.UniqueConstraint("project_id", "member_id", "day", name="uq_worked_hours_project_member_day"),
        sa.CheckConstraint("hours >= 0 AND hours <= 24", name="ck_worked_hours_range"),
        schema=S,
    )
    op.create_table(
        "scripts",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        _fk("project_id", "projects.id", ondelete="CASCADE"),
        sa.Column("pattern", sa.String(1), nullable=False),
        sa.Column("industry", sa.String(100)),
        sa.Column("variant", sa.String(120), nullable=False),
        _ts("created_at"),
        sa.UniqueConstraint("project_id", "variant", name="uq_scripts_project_variant"),
        sa.CheckConstraint("pattern IN ('A','B')", name="ck_scripts_pattern"),
        schema=S,
    )
    op.create_table(
        "script_versions",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        _fk("script_id", "scripts.id", ondelete="CASCADE"),
        _fk("project_id", "projects.id", ondelete="CASCADE"),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("is_active", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_by", UUID(as_uuid=True)),
        _ts("created_at"),
        sa.UniqueConstraint("script_id", "version", name="uq_script_versions_script_version"),
        schema=S,
    )
    op.create_index(
        "uq_script_versions_one_active", "script_versions", ["script_id"], unique=True, schema=S,
        postgresql_where=sa.text("is_active"),
    )


def downgrade() -> None:
    for table in ("script_versions", "scripts", "worked_hours", "contract_changes", "kickoff_items", "api_keys"):
        op.drop_table(table, schema=S)
    op.drop_column("assignments", "updated_at", schema=S)
    op.drop_constraint("ck_assignments_planned_nonneg", "assignments", schema=S)
    for index in ("ix_users_created_id", "ix_clients_created_id", "ix_projects_created_id"):
        op.drop_index(index, schema=S)
    op.drop_constraint("ck_projects_contract_dates", "projects", schema=S)
    op.drop_constraint("ck_projects_meeting_weekday", "projects", schema=S)
    op.drop_column("projects", "weekly_meeting_time", schema=S)
    op.drop_column("projects", "weekly_meeting_weekday", schema=S)
