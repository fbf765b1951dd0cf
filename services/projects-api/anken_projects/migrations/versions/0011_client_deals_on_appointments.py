"""Client deals are appointment outcome data, not agency deals: appointments carry the client's deal
(id, amount, a stage from a closed list), the reason of an unqualified outcome and how often the meeting
was rescheduled; projects carry the short list of unqualified reasons (null = the defaults).

Deals that were created from an appointment (deals.appointment_id) move onto their appointment (amount,
stage: won / lost from the deal's status, else proposal) and leave the agency's deals, so they no longer
count in the agency's pipeline, forecast or quota attainment (their history goes with them).

Revision ID: 0011_client_deals
Revises: 0010_client_users
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0011_client_deals"
down_revision = "0010_client_users"
branch_labels = None
depends_on = None

S = "projects"


def upgrade() -> None:
    op.add_column("projects", sa.Column("unqualified_reasons", JSONB, nullable=True), schema=S)
    op.add_column("appointments", sa.Column("unqualified_reason", sa.String(100)), schema=S)
    op.add_column("appointments", sa.Column("rescheduled_count", sa.Integer, nullable=False, server_default="0"),
                  schema=S)
    op.execute(f"""
        UPDATE {S}.appointments a SET deal_id = d.id, deal_amount = d.amount,
               deal_stage = CASE d.status WHEN 'won' THEN 'won' WHEN 'lost' THEN 'lost' ELSE 'proposal' END
          FROM {S}.deals d WHERE d.appointment_id = a.id
    """)
    # Stages of an appointment's deal used to be free text (a stage name of the agency's pipeline).
    op.execute(f"""
        UPDATE {S}.appointments SET deal_stage = 'proposal'
         WHERE deal_stage IS NOT NULL AND deal_stage NOT IN ('proposal','negotiation','won','lost')
    """)
    op.execute(f"DELETE FROM {S}.deals WHERE appointment_id IS NOT NULL")
    op.create_check_constraint("ck_appointments_deal_stage", "appointments",
                               "deal_stage IN ('proposal','negotiation','won','lost')", schema=S)


def downgrade() -> None:
    op.drop_constraint("ck_appointments_deal_stage", "appointments", schema=S, type_="check")
    op.drop_column("appointments", "rescheduled_count", schema=S)
    op.drop_column("appointments", "unqualified_reason", schema=S)
    op.drop_column("projects", "unqualified_reasons", schema=S)
