"""report_links (shared, expiring, revocable weekly report links) and report_comments (the client's comments
on a published weekly report)

Revision ID: 0008_report_links_comments
Revises: 0007_project_member_names
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import UUID

revision = "0008_report_links_comments"
down_revision = "0007_project_member_names"
branch_labels = None
depends_on = None

_UUID = UUID(as_uuid=True)
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "report_links",
        sa.Column("id", _UUID, primary_key=True),
        sa.Column("client_id", _UUID, nullable=False),
        sa.Column("project_id", _UUID, nullable=False),
        sa.Column("iso_week", sa.String(8), nullable=False),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False, server_default=sa.func.now()),
        sa.Column("expires_at", _TS, nullable=False),
        sa.Column("revoked_at", _TS),
        sa.Column("revoked_by", sa.String(64)),
        sa.Column("last_opened_at", _TS),
        sa.Column("open_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("idempotency_key", sa.String(255)),
        sa.UniqueConstraint("created_by", "idempotency_key", name="uq_report_links_idempotency"),
        schema="reporting",
    )
    op.create_index("ix_report_links_project_week", "report_links", ["project_id", "iso_week"], schema="reporting")
    op.create_index("ix_report_links_client", "report_links", ["client_id"], schema="reporting")
    op.create_table(
        "report_comments",
        sa.Column("id", _UUID, primary_key=True),
        sa.Column("project_id", _UUID, nullable=False),
        sa.Column("client_id", _UUID, nullable=False),
        sa.Column("iso_week", sa.String(8), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("author_id", sa.String(64), nullable=False),
        sa.Column("author_name", sa.String(200)),
        sa.Column("author_role", sa.String(16)),
        sa.Column("created_at", _TS, nullable=False, server_default=sa.func.now()),
        schema="reporting",
    )
    op.create_index("ix_report_comments_project_week", "report_comments", ["project_id", "iso_week", "created_at"],
                    schema="reporting")


def downgrade() -> None:
    op.drop_table("report_comments", schema="reporting")
    op.drop_table("report_links", schema="reporting")
