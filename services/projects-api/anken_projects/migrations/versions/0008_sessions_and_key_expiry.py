"""users.token_version (ends sessions on logout, password or role change, deactivation) and
api_keys.expires_at (an optional expiry date of partner keys)

Revision ID: 0008_sessions_and_key_expiry
Revises: 0007_targets_autovacuum
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_sessions_and_key_expiry"
down_revision = "0007_targets_autovacuum"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A constant default adds the column without rewriting the table.
    op.add_column("users", sa.Column("token_version", sa.Integer(), nullable=False, server_default="0"),
                  schema="projects")
    op.add_column("api_keys", sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True), schema="projects")


def downgrade() -> None:
    op.drop_column("api_keys", "expires_at", schema="projects")
    op.drop_column("users", "token_version", schema="projects")
