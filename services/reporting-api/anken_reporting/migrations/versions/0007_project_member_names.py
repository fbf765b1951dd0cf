"""projects.client_sees_member_names: the project setting of projects-api (project.* events) that lets the
client's people see per-member figures (appointment quality grouped by member).

Revision ID: 0007_project_member_names
Revises: 0006_call_project_days
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_project_member_names"
down_revision = "0006_call_project_days"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("projects", sa.Column("client_sees_member_names", sa.Boolean, nullable=False,
                                        server_default=sa.false()), schema="reporting")


def downgrade() -> None:
    op.drop_column("projects", "client_sees_member_names", schema="reporting")
