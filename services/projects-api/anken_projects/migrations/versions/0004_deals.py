"""deals: pipelines and stages (with the default pipeline), deals, deal history, quotas, demo marker

Revision ID: 0004_deals
Revises: 0001_core
"""

import json
import uuid

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0004_deals"
down_revision = "0001_core"
branch_labels = None
depends_on = None

S = "projects"
_NS = uuid.UUID("6f1c3a52-4d0e-4b8a-9a57-1f6f3b7f0d11")
DEFAULT_PIPELINE_ID = uuid.uuid5(_NS, "pipeline:default")
# (name, default probability, aging limit days, exit criteria, won, lost); frozen with this revision.
DEFAULT_STAGES = [
    ("リード", 10, 14, "決裁に関わる担当者と接点を持ち、初回商談の日程が確定している", False, False),
    ("初回商談", 20, 14, "課題・予算感・導入時期・決裁プロセスのヒアリングが完了している", False, False),
    ("課題合意", 40, 21, "顧客と課題および導入効果(Metrics)に合意し、チャンピオンが特定されている", False, False),
    ("提案", 60, 21, "提案内容が決裁者(Economic Buyer)に共有され、評価基準を満たしている", False, False),
    ("見積・交渉", 80, 14, "見積が承認され、契約条件(金額・開始日)に合意している", False, False),
    ("受注", 100, None, None, True, False),
    ("失注", 0, None, None, False, True),
]


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, server_default=None if nullable else sa.func.now())


def upgrade() -> None:
    op.create_table(
        "pipelines",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("is_default", sa.Boolean, nullable=False, server_default=sa.false()),
        _ts("created_at"), _ts("updated_at"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        schema=S,
    )
    # At most one default pipeline.
    op.create_index("uq_pipelines_default", "pipelines", ["is_default"], unique=True, schema=S,
                    postgresql_where=sa.text("is_default"))
    op.create_table(
        "pipeline_stages",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("pipeline_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.pipelines.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("probability", sa.Integer, nullable=False),
        sa.Column("aging_limit_days", sa.Integer),
        sa.Column("exit_criteria", sa.Text),
        sa.Column("is_won", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("is_lost", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("pipeline_id", "name", name="uq_pipeline_stages_name"),
        sa.CheckConstraint("probability BETWEEN 0 AND 100", name="ck_pipeline_stages_probability"),
        sa.CheckConstraint("NOT (is_won AND is_lost)", name="ck_pipeline_stages_terminal"),
        schema=S,
    )
    op.create_table(
        "deals",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("account_name", sa.String(200), nullable=False),
        sa.Column("client_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.clients.id"), index=True),
        sa.Column("appointment_id", UUID(as_uuid=True), index=True),
        sa.Column("owner_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.users.id"), nullable=False),
        sa.Column("pipeline_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.pipelines.id"), nullable=False),
        sa.Column("stage_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.pipeline_stages.id"), nullable=False, index=True),
        sa.Column("amount", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("probability", sa.Integer, nullable=False, server_default="0"),
        sa.Column("expected_close_date", sa.Date),
        sa.Column("lead_source", sa.String(32)),
        sa.Column("forecast_category", sa.String(16), nullable=False, server_default="pipeline"),
        sa.Column("status", sa.String(8), nullable=False, server_default="open"),
        _ts("closed_at", nullable=True),
        _ts("stage_entered_at"),
        *(sa.Column(name, sa.Text) for name in (
            "metrics", "economic_buyer", "decision_criteria", "decision_process", "identify_pain", "champion",
            "competition", "next_step")),
        _ts("created_at"), _ts("updated_at"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.CheckConstraint("amount >= 0", name="ck_deals_amount"),
        sa.CheckConstraint("probability BETWEEN 0 AND 100", name="ck_deals_probability"),
        sa.CheckConstraint("forecast_category IN ('pipeline','best_case','commit','omitted')", name="ck_deals_forecast"),
        sa.CheckConstraint("status IN ('open','won','lost')", name="ck_deals_status"),
        schema=S,
    )
    op.create_index("ix_deals_owner_status", "deals", ["owner_id", "status"], schema=S)
    op.create_index("ix_deals_created_id", "deals", ["created_at", "id"], schema=S)
    # One deal per appointment: a retried hand-off never creates a second deal.
    op.create_index("uq_deals_appointment", "deals", ["appointment_id"], unique=True, schema=S,
                    postgresql_where=sa.text("appointment_id IS NOT NULL"))
    op.create_table(
        "deal_changes",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("deal_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.deals.id", ondelete="CASCADE"), nullable=False),
        sa.Column("field", sa.String(32), nullable=False),
        sa.Column("old_value", JSONB),
        sa.Column("new_value", JSONB),
        sa.Column("old_label", sa.String(100)),
        sa.Column("new_label", sa.String(100)),
        sa.Column("actor_type", sa.String(16), nullable=False),
        sa.Column("actor_id", sa.String(64)),
        _ts("changed_at"),
        schema=S,
    )
    op.create_index("ix_deal_changes_deal", "deal_changes", ["deal_id", "id"], schema=S)
    op.create_table(
        "quotas",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        sa.Column("owner_id", UUID(as_uuid=True), sa.ForeignKey(f"{S}.users.id"), nullable=False, index=True),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        _ts("created_at"), _ts("updated_at"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.UniqueConstraint("owner_id", "period_start", "period_end", name="uq_quotas_owner_period"),
        sa.CheckConstraint("period_end > period_start", name="ck_quotas_period"),
        sa.CheckConstraint("amount >= 0", name="ck_quotas_amount"),
        schema=S,
    )
    op.create_table(
        "demo_markers",
        sa.Column("key", sa.String(64), primary_key=True),
        _ts("loaded_at"),
        sa.Column("counts", JSONB, nullable=False, server_default="{}"),
        schema=S,
    )
    _insert_default_pipeline()


def _insert_default_pipeline() -> None:
    conn = op.get_bind()
    conn.execute(
        sa.text(f"INSERT INTO {S}.pipelines (id, name, is_default) VALUES (:id, :name, true)"),
        {"id": DEFAULT_PIPELINE_ID, "name": "新規開拓パイプライン"},
    )
    stages = []
    for position, (name, probability, aging, criteria, won, lost) in enumerate(DEFAULT_STAGES, start=1):
        stage_id = uuid.uuid5(_NS, f"stage:default:{name}")
        conn.execute(
            sa.text(
                f"INSERT INTO {S}.pipeline_stages (id, pipeline_id, name, position, probability, aging_limit_days, "
                "exit_criteria, is_won, is_lost) VALUES (:id, :pid, :name, :pos, :prob, :aging, :crit, :won, :lost)"
            ),
            {"id": stage_id, "pid": DEFAULT_PIPELINE_ID, "name": name, "pos": position, "prob": probability,
             "aging": aging, "crit": criteria, "won": won, "lost": lost},
        )
        stages.append({"id": str(stage_id), "name": name, "position": position, "probability": probability,
                       "aging_limit_days": aging, "exit_criteria": criteria, "is_won": won, "is_lost": lost})
    # Announced like any pipeline change, so read models rebuilt from the export know the stages.
    conn.execute(
        sa.text(
            f"INSERT INTO {S}.outbox_events (event_id, type, aggregate_type, aggregate_id, payload) "
            "VALUES (:eid, 'pipeline.changed', 'pipeline', :aid, CAST(:payload AS jsonb))"
        ),
        {"eid": uuid.uuid5(_NS, "event:pipeline:default"), "aid": str(DEFAULT_PIPELINE_ID),
         "payload": json.dumps({"id": str(DEFAULT_PIPELINE_ID), "name": "新規開拓パイプライン", "stages": stages},
                               ensure_ascii=False)},
    )


def downgrade() -> None:
    for table in ("demo_markers", "quotas", "deal_changes", "deals", "pipeline_stages", "pipelines"):
        op.drop_table(table, schema=S)
