"""call_project_days: one row per (project, local day) with the day's call totals

Revision ID: 0006_call_project_days
Revises: 0005_target_stock_withdrawn
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0006_call_project_days"
down_revision = "0005_target_stock_withdrawn"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The sums of call_daily_rollups over members, variants, versions and industries. Figures that
    # group by project only (month KPIs, the portfolio) read ~30 rows a month here instead of
    # thousands of fine rollups; every path that writes the rollups writes this table too.
    op.create_table(
        "call_project_days",
        sa.Column("project_id", UUID(as_uuid=True), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("calls", sa.Integer, nullable=False, server_default="0"),
        sa.Column("contacts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("appointments", sa.Integer, nullable=False, server_default="0"),
        sa.Column("duration_s", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("first_calls", sa.Integer, nullable=False, server_default="0"),
        schema="reporting",
    )
    # Existing read models: the totals of what the rollups already hold.
    op.execute(
        "INSERT INTO reporting.call_project_days (project_id, day, calls, contacts, appointments, duration_s, "
        "first_calls) SELECT project_id, day, sum(calls), sum(contacts), sum(appointments), sum(duration_s), "
        "sum(first_calls) FROM reporting.call_daily_rollups GROUP BY project_id, day HAVING sum(calls) <> 0"
    )


def downgrade() -> None:
    op.drop_table("call_project_days", schema="reporting")
