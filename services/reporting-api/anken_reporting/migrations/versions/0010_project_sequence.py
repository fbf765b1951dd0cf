"""projects.sequence: the outbox position of the event the row was last taken from, so that an older
project event applied late (a consumer taking over what a dead one left pending, a retried batch) does not
overwrite newer settings (member names shown to the client, the monthly target, the timezone). The same rule
as appointments.sequence (0009), through readmodels.projections.newer_events_only.

Revision ID: 0010_project_sequence
Revises: 0009_appointment_sequence
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_project_sequence"
down_revision = "0009_appointment_sequence"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("projects", sa.Column("sequence", sa.BigInteger, nullable=False, server_default="0"),
                  schema="reporting")


def downgrade() -> None:
    op.drop_column("projects", "sequence", schema="reporting")
