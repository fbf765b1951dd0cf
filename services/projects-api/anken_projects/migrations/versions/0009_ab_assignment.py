"""A/B assignment by Anken: projects.ab_manual_choice (a director lets members pick the pattern)
and variant_assignments (the pattern handed with each target to each member, balanced per member)

Revision ID: 0009_ab_assignment
Revises: 0008_sessions_and_key_expiry
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0009_ab_assignment"
down_revision = "0008_sessions_and_key_expiry"
branch_labels = None
depends_on = None

S = "projects"


def upgrade() -> None:
    # A constant default adds the column without rewriting the table.
    op.add_column("projects", sa.Column("ab_manual_choice", sa.Boolean(), nullable=False,
                                        server_default=sa.false()), schema=S)
    op.create_table(
        "variant_assignments",
        sa.Column("project_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.projects.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("member_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("target_id", UUID(as_uuid=True), nullable=False),
        sa.Column("variant", sa.String(40), nullable=False),
        # Per member and project, the order of assignment: the balancing blocks are read from it.
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.PrimaryKeyConstraint("project_id", "member_id", "target_id"),
        sa.UniqueConstraint("project_id", "member_id", "seq", name="uq_variant_assignments_member_seq"),
        schema=S,
    )


def downgrade() -> None:
    op.drop_table("variant_assignments", schema=S)
    op.drop_column("projects", "ab_manual_choice", schema=S)
