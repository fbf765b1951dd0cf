"""projects.client_sees_member_names: whether the client's people see which member set each appointment
(member names in the portal's appointments and the per-member appointment quality). Default: they do not.

Revision ID: 0012_client_sees_member_names
Revises: 0011_client_deals
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_client_sees_member_names"
down_revision = "0011_client_deals"
branch_labels = None
depends_on = None

S = "projects"


def upgrade() -> None:
    op.add_column("projects", sa.Column("client_sees_member_names", sa.Boolean, nullable=False,
                                        server_default=sa.false()), schema=S)


def downgrade() -> None:
    op.drop_column("projects", "client_sees_member_names", schema=S)
