"""targets: vacuum and analyze after 2% of rows change, not PostgreSQL's default 20%

Every pull of "next target" and every logged call updates a target row, and a member's own-lease
lookup walks the dead versions of their past leases until vacuum removes them; a freshly imported
list has no statistics until analyze runs. On a 100,000-row list the defaults wait for 20,000
updates; 2% keeps the lookup flat and the planner informed within minutes of calling.

Revision ID: 0007_targets_autovacuum
Revises: 0006_daily_reports
"""

from alembic import op

revision = "0007_targets_autovacuum"
down_revision = "0006_daily_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ALTER TABLE projects.targets SET (autovacuum_vacuum_scale_factor = 0.02, "
               "autovacuum_analyze_scale_factor = 0.02)")


def downgrade() -> None:
    op.execute("ALTER TABLE projects.targets RESET (autovacuum_vacuum_scale_factor, autovacuum_analyze_scale_factor)")
