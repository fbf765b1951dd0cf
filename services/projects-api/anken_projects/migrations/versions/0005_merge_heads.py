"""merge the registry, call-floor and deals branches into one head

Revision ID: 0005_merge_heads
Revises: 0002_registry, 0003_call_floor, 0004_deals
"""

revision = "0005_merge_heads"
down_revision = ("0002_registry", "0003_call_floor", "0004_deals")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: this revision only joins the three branches so later ones have one parent."""


def downgrade() -> None:
    """Nothing to undo."""
