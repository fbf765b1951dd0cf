"""daily_reports: the members' end-of-day reports (日報), one per project, member and day

Revision ID: 0006_daily_reports
Revises: 0005_merge_heads
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0006_daily_reports"
down_revision = "0005_merge_heads"
branch_labels = None
depends_on = None

S = "projects"


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text, nullable=False, server_default="")


def upgrade() -> None:
    op.create_table(
        "daily_reports",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("project_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.projects.id"), nullable=False, index=True),
        sa.Column("member_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.users.id"), nullable=False, index=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("hours", sa.Numeric(4, 2), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        _text("good_reactions"), _text("objections"), _text("next_actions"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.CheckConstraint("hours >= 0 AND hours <= 24", name="ck_daily_reports_hours"),
        sa.CheckConstraint("char_length(summary) <= 4000", name="ck_daily_reports_summary_length"),
        sa.UniqueConstraint("project_id", "member_id", "day", name="uq_daily_reports_project_member_day"),
        schema=S,
    )


def downgrade() -> None:
    op.drop_table("daily_reports", schema=S)
