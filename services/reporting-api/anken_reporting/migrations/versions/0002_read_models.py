"""read models: projects, members, daily call rollups, worked hours, list stock, contracts,
appointments, pace alerts, rebuild jobs

Revision ID: 0002_read_models
Revises: 0001_reporting
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0002_read_models"
down_revision = "0001_reporting"
branch_labels = None
depends_on = None

S = "reporting"


def _uuid(name: str, **kw) -> sa.Column:
    return sa.Column(name, UUID(as_uuid=True), **kw)


def upgrade() -> None:
    op.create_table(
        "projects",
        _uuid("id", primary_key=True),
        _uuid("client_id", nullable=False, index=True),
        sa.Column("client_name", sa.String(200)),
        _uuid("director_id", index=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False, server_default="Asia/Tokyo"),
        sa.Column("monthly_appointment_target", sa.Integer, nullable=False, server_default="0"),
        sa.Column("contracted_monthly_hours", sa.Integer, nullable=False, server_default="0"),
        sa.Column("contract_end", sa.Date),
        sa.Column("renewal_date", sa.Date),
        sa.Column("extra_closed_days", JSONB, nullable=False, server_default="[]"),
        sa.Column("weekly_meeting_weekday", sa.SmallInteger),
        sa.Column("weekly_meeting_time", sa.String(5)),
        schema=S,
    )
    op.create_table(
        "users",
        _uuid("id", primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        schema=S,
    )
    op.create_table(
        "assignments",
        _uuid("id", primary_key=True),
        _uuid("project_id", nullable=False, index=True),
        _uuid("member_id", nullable=False, index=True),
        sa.Column("member_name", sa.String(100)),
        sa.Column("planned_hours", sa.Integer, nullable=False, server_default="0"),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        schema=S,
    )
    # One row per (project, member, local day, variant, script version, industry): every call
    # KPI is a sum over these, never a scan of calls. '' stands for "none" so the key is unique.
    op.create_table(
        "call_daily_rollups",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        _uuid("project_id", nullable=False),
        _uuid("member_id", nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("variant", sa.String(64), nullable=False, server_default=""),
        sa.Column("script_version_id", sa.String(36), nullable=False, server_default=""),
        sa.Column("industry", sa.String(100), nullable=False, server_default=""),
        sa.Column("calls", sa.Integer, nullable=False, server_default="0"),
        sa.Column("contacts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("appointments", sa.Integer, nullable=False, server_default="0"),
        sa.Column("duration_s", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("first_calls", sa.Integer, nullable=False, server_default="0"),
        sa.UniqueConstraint("project_id", "day", "member_id", "variant", "script_version_id", "industry",
                            name="uq_call_daily_rollups_key"),
        schema=S,
    )
    # What each call currently contributes, so edits, deletes and out-of-order events are exact.
    op.create_table(
        "call_states",
        _uuid("call_id", primary_key=True),
        sa.Column("sequence", sa.BigInteger, nullable=False, server_default="0"),
        _uuid("project_id", nullable=False),
        _uuid("member_id", nullable=False),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("variant", sa.String(64), nullable=False, server_default=""),
        sa.Column("script_version_id", sa.String(36), nullable=False, server_default=""),
        sa.Column("industry", sa.String(100), nullable=False, server_default=""),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("duration_s", sa.Integer, nullable=False, server_default="0"),
        sa.Column("first_call", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
        schema=S,
    )
    op.create_table(
        "worked_hours",
        _uuid("project_id", primary_key=True),
        _uuid("member_id", primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("hours", sa.Numeric(5, 2), nullable=False),
        schema=S,
    )
    # Callable targets as of the latest import, minus first calls since then.
    op.create_table(
        "target_stock",
        _uuid("project_id", primary_key=True),
        sa.Column("callable_at_import", sa.Integer, nullable=False, server_default="0"),
        sa.Column("first_calls_since", sa.Integer, nullable=False, server_default="0"),
        schema=S,
    )
    op.create_table(
        "contract_changes",
        _uuid("id", primary_key=True),
        _uuid("project_id", nullable=False, index=True),
        _uuid("client_id", nullable=False, index=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("effective_date", sa.Date, nullable=False),
        sa.Column("term_end_date", sa.Date),
        sa.Column("hours_before", sa.Integer),
        sa.Column("hours_after", sa.Integer),
        sa.Column("scope_increased", sa.Boolean, nullable=False, server_default=sa.false()),
        schema=S,
    )
    op.create_table(
        "appointments",
        _uuid("id", primary_key=True),
        _uuid("project_id", nullable=False),
        _uuid("client_id", nullable=False),
        _uuid("member_id", nullable=False),
        sa.Column("set_day", sa.Date, nullable=False),
        sa.Column("meeting_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handoff_status", sa.String(16), nullable=False),
        sa.Column("partner_outcome", sa.String(16)),
        _uuid("deal_id"),
        sa.Column("deal_amount", sa.BigInteger),
        sa.Column("deal_won", sa.Boolean),
        schema=S,
    )
    op.create_index("ix_appointments_project_day", "appointments", ["project_id", "set_day"], schema=S)
    op.create_table(
        "pace_alerts",
        _uuid("id", primary_key=True),
        _uuid("project_id", nullable=False),
        _uuid("member_id", nullable=False),
        _uuid("director_id"),
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
        schema=S,
    )
    op.create_index("ix_pace_alerts_project_status", "pace_alerts", ["project_id", "status"], schema=S)
    op.create_table(
        "rebuild_jobs",
        _uuid("id", primary_key=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("events_applied", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("pages", sa.Integer, nullable=False, server_default="0"),
        sa.Column("cursor", sa.String(200)),
        sa.Column("error", sa.Text),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        schema=S,
    )


def downgrade() -> None:
    for table in ("rebuild_jobs", "pace_alerts", "appointments", "contract_changes", "target_stock",
                  "worked_hours", "call_states", "call_daily_rollups", "assignments", "users", "projects"):
        op.drop_table(table, schema=S)
