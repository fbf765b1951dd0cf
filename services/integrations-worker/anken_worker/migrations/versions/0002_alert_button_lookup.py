"""deliveries: find a pace alert posted into a channel (Slack alert buttons, slack_inbound/alert_scope.py)

Revision ID: 0002_alert_button_lookup
Revises: 0001_integrations
"""

from alembic import op

revision = "0002_alert_button_lookup"
down_revision = "0001_integrations"
branch_labels = None
depends_on = None

S = "integrations"


def upgrade() -> None:
    # Only the alert DMs: a handful of rows next to the whole delivery log.
    op.execute(f"CREATE INDEX IF NOT EXISTS ix_deliveries_alert_target ON {S}.deliveries (target) "
               "WHERE action = 'slack.notify_director'")


def downgrade() -> None:
    op.execute(f"DROP INDEX IF EXISTS {S}.ix_deliveries_alert_target")
