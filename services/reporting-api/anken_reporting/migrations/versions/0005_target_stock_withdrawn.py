"""target_stock.withdrawn_since: callable targets taken out (do-not-call, excluded) since the last import

Revision ID: 0005_target_stock_withdrawn
Revises: 0004_merge_heads
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_target_stock_withdrawn"
down_revision = "0004_merge_heads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Net count: a target made callable again (do-not-call entry removed) counts back as -1.
    op.add_column("target_stock", sa.Column("withdrawn_since", sa.Integer, nullable=False, server_default="0"),
                  schema="reporting")


def downgrade() -> None:
    op.drop_column("target_stock", "withdrawn_since", schema="reporting")
