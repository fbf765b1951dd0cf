"""merge the read-model and pipeline/report branches into one head

Revision ID: 0004_merge_heads
Revises: 0002_read_models, 0003_pipeline_reports
"""

revision = "0004_merge_heads"
down_revision = ("0002_read_models", "0003_pipeline_reports")
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Nothing to change: this revision only joins the two branches so later ones have one parent."""


def downgrade() -> None:
    """Nothing to undo."""
