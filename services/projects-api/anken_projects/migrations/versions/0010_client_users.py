"""Client users: the `client` role, the one client such a user belongs to (users.client_id, required for
role client and forbidden for every other role), and one-time invitation links (user_invitations: only a
hash of the link's token is kept; a link expires, is used once, and a newer invitation replaces it)

Revision ID: 0010_client_users
Revises: 0009_ab_assignment
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0010_client_users"
down_revision = "0009_ab_assignment"
branch_labels = None
depends_on = None

S = "projects"


def upgrade() -> None:
    op.drop_constraint("ck_users_role", "users", schema=S, type_="check")
    op.create_check_constraint("ck_users_role", "users", "role IN ('admin','director','manager','member','client')",
                               schema=S)
    op.add_column("users", sa.Column("client_id", UUID(as_uuid=True),
                                     sa.ForeignKey(f"{S}.clients.id", ondelete="RESTRICT"), nullable=True), schema=S)
    op.create_check_constraint("ck_users_client_id_iff_client_role", "users",
                               "(role = 'client') = (client_id IS NOT NULL)", schema=S)
    op.create_index("ix_users_client_id", "users", ["client_id"], schema=S,
                    postgresql_where=sa.text("client_id IS NOT NULL"))
    op.create_table(
        "user_invitations",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("user_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("client_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.clients.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("invited_by", UUID(as_uuid=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.UniqueConstraint("token_hash", name="uq_user_invitations_token_hash"),
        schema=S,
    )
    op.create_index("ix_user_invitations_user_id", "user_invitations", ["user_id"], schema=S)


def downgrade() -> None:
    op.drop_index("ix_user_invitations_user_id", "user_invitations", schema=S)
    op.drop_table("user_invitations", schema=S)
    op.drop_index("ix_users_client_id", "users", schema=S)
    op.drop_constraint("ck_users_client_id_iff_client_role", "users", schema=S, type_="check")
    op.drop_column("users", "client_id", schema=S)
    op.drop_constraint("ck_users_role", "users", schema=S, type_="check")
    op.execute(f"DELETE FROM {S}.users WHERE role = 'client'")
    op.create_check_constraint("ck_users_role", "users", "role IN ('admin','director','manager','member')", schema=S)
