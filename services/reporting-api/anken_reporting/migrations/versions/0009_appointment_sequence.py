"""appointments.sequence: the outbox position of the event the row was last taken from, so that an older
appointment event applied late (a consumer taking over what a dead one left pending, a retried batch) does
not overwrite a newer state: a corrected outcome counts as its latest report.

Revision ID: 0009_appointment_sequence
Revises: 0008_report_links_comments
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_appointment_sequence"
down_revision = "0008_report_links_comments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("appointments", sa.Column("sequence", sa.BigInteger, nullable=False, server_default="0"),
                  schema="reporting")


def downgrade() -> None:
    op.drop_column("appointments", "sequence", schema="reporting")
