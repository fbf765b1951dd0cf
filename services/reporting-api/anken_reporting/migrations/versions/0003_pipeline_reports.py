"""pipeline read model, forecast snapshots, weekly report drafts and published versions, kickoff items

Revision ID: 0003_pipeline_reports
Revises: 0001_reporting
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0003_pipeline_reports"
down_revision = "0001_reporting"
branch_labels = None
depends_on = None

S = "reporting"


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, server_default=None if nullable else sa.func.now())


def upgrade() -> None:
    op.create_table(
        "pipeline_stages",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("pipeline_id", UUID(as_uuid=True), nullable=False, index=True),
        sa.Column("pipeline_name", sa.String(200), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("probability", sa.Integer, nullable=False),
        sa.Column("aging_limit_days", sa.Integer),
        sa.Column("is_won", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("is_lost", sa.Boolean, nullable=False, server_default=sa.false()),
        schema=S,
    )
    op.create_table(
        "pipeline_deals",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("account_name", sa.String(300), nullable=False),
        sa.Column("client_id", UUID(as_uuid=True)),
        sa.Column("owner_id", UUID(as_uuid=True), nullable=False, index=True),
        sa.Column("pipeline_id", UUID(as_uuid=True), nullable=False),
        sa.Column("stage_id", UUID(as_uuid=True), nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("probability", sa.Integer, nullable=False),
        sa.Column("expected_close_date", sa.Date, index=True),
        sa.Column("forecast_category", sa.String(16), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("lead_source", sa.String(100)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), index=True),
        sa.Column("stage_entered_at", sa.DateTime(timezone=True), nullable=False),
        # Order safety: a snapshot older than the one applied is ignored.
        sa.Column("source_sequence", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("source_occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('open','won','lost')", name="ck_pipeline_deals_status"),
        sa.CheckConstraint(
            "forecast_category IN ('pipeline','best_case','commit','omitted')", name="ck_pipeline_deals_category"
        ),
        schema=S,
    )
    # Every stage, amount, close-date, status and category change, with when it happened.
    op.create_table(
        "pipeline_deal_history",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("deal_id", UUID(as_uuid=True), nullable=False, index=True),
        sa.Column("event_id", UUID(as_uuid=True), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("old_value", sa.String(100)),
        sa.Column("new_value", sa.String(100)),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        # A redelivered event never writes the same change twice.
        sa.UniqueConstraint("event_id", "field", name="uq_pipeline_deal_history_event_field"),
        schema=S,
    )
    op.create_table(
        "pipeline_quotas",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("owner_id", UUID(as_uuid=True), nullable=False, index=True),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        schema=S,
    )
    op.create_table(
        "pipeline_owner_teams",
        sa.Column("owner_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("team", sa.String(100), nullable=False, index=True),
        _ts("updated_at"),
        schema=S,
    )
    op.create_table(
        "forecast_snapshots",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("owner_id", UUID(as_uuid=True), nullable=False),
        sa.Column("period", sa.String(8), nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("snapshot_week", sa.String(8), nullable=False),
        sa.Column("won", sa.BigInteger, nullable=False),
        sa.Column("commit", sa.BigInteger, nullable=False),
        sa.Column("best_case", sa.BigInteger, nullable=False),
        sa.Column("pipeline", sa.BigInteger, nullable=False),
        sa.Column("weighted", sa.BigInteger, nullable=False),
        sa.Column("quota", sa.BigInteger),
        _ts("taken_at"),
        # One snapshot per owner, period and ISO week: a retried weekly job replaces, never duplicates.
        sa.UniqueConstraint("owner_id", "period", "snapshot_week", name="uq_forecast_snapshots_owner_period_week"),
        schema=S,
    )
    op.create_table(
        "weekly_report_drafts",
        sa.Column("project_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("iso_week", sa.String(8), primary_key=True),
        sa.Column("notes", JSONB, nullable=False, server_default="{}"),
        sa.Column("next_actions", JSONB, nullable=False, server_default="[]"),
        sa.Column("revision", sa.Integer, nullable=False, server_default="1"),
        sa.Column("updated_by", sa.String(64)),
        _ts("updated_at"),
        schema=S,
    )
    op.create_table(
        "weekly_report_versions",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("project_id", UUID(as_uuid=True), nullable=False),
        sa.Column("client_id", UUID(as_uuid=True)),
        sa.Column("iso_week", sa.String(8), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("report", JSONB, nullable=False),
        sa.Column("published_by", sa.String(64)),
        _ts("published_at"),
        sa.UniqueConstraint("project_id", "iso_week", "version", name="uq_weekly_report_versions_week_version"),
        schema=S,
    )
    op.create_table(
        "kickoff_items",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("project_id", UUID(as_uuid=True), nullable=False, index=True),
        sa.Column("key", sa.String(100), nullable=False),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("required", sa.Boolean, nullable=False),
        sa.Column("agreed", sa.Boolean, nullable=False),
        sa.Column("value", sa.Text),
        sa.Column("source_sequence", sa.BigInteger, nullable=False, server_default="0"),
        _ts("updated_at"),
        schema=S,
    )


def downgrade() -> None:
    for table in ("kickoff_items", "weekly_report_versions", "weekly_report_drafts", "forecast_snapshots",
                  "pipeline_owner_teams", "pipeline_quotas", "pipeline_deal_history", "pipeline_deals",
                  "pipeline_stages"):
        op.drop_table(table, schema=S)
