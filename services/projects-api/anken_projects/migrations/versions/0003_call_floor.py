"""call floor: target lists, targets, imports, do-not-call, partitioned calls, appointments, idempotency keys

Revision ID: 0003_call_floor
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB, UUID

revision = "0003_call_floor"
down_revision = "0001_core"
branch_labels = None
depends_on = None

S = "projects"

# Creates the monthly partitions of calls from the current month through `months_ahead`
# months later. Rows that already landed in the DEFAULT partition for such a month are
# moved into the new partition first, because PostgreSQL refuses to create a partition
# whose range the default partition already holds rows for.
ENSURE_PARTITIONS = """
CREATE OR REPLACE FUNCTION projects.ensure_call_partitions(months_ahead integer DEFAULT 3)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    month_start date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
    lower_bound timestamptz;
    upper_bound timestamptz;
    part_name text;
    created integer := 0;
BEGIN
    FOR i IN 0..months_ahead LOOP
        lower_bound := ((month_start + make_interval(months => i))::timestamp AT TIME ZONE 'UTC');
        upper_bound := ((month_start + make_interval(months => i + 1))::timestamp AT TIME ZONE 'UTC');
        part_name := 'calls_' || to_char(month_start + make_interval(months => i), 'YYYY_MM');
        IF to_regclass('projects.' || part_name) IS NOT NULL THEN
            CONTINUE;
        END IF;
        PERFORM pg_advisory_xact_lock(hashtext('projects.ensure_call_partitions'));
        IF to_regclass('projects.' || part_name) IS NOT NULL THEN
            CONTINUE;
        END IF;
        EXECUTE format('CREATE TABLE projects.%I (LIKE projects.calls INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part_name);
        EXECUTE format(
            'WITH moved AS (DELETE FROM projects.calls_default WHERE occurred_at >= %L AND occurred_at < %L RETURNING *) '
            'INSERT INTO projects.%I SELECT * FROM moved', lower_bound, upper_bound, part_name);
        EXECUTE format('ALTER TABLE projects.calls ATTACH PARTITION projects.%I FOR VALUES FROM (%L) TO (%L)',
                       part_name, lower_bound, upper_bound);
        created := created + 1;
    END LOOP;
    RETURN created;
END;
$$;
"""


def _ts(name: str, nullable: bool = False) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable, server_default=None if nullable else sa.func.now())


def _uuid(name: str, fk: str | None = None, nullable: bool = False, ondelete: str | None = None) -> sa.Column:
    if fk:
        return sa.Column(name, UUID(as_uuid=True), sa.ForeignKey(f"{S}.{fk}", ondelete=ondelete), nullable=nullable)
    return sa.Column(name, UUID(as_uuid=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "target_lists",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        _uuid("project_id", "projects.id", ondelete="CASCADE"),
        _uuid("client_id", "clients.id"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("source", sa.String(100)),
        _ts("created_at"), _ts("updated_at"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        schema=S,
    )
    op.create_index("ix_target_lists_project_id", "target_lists", ["project_id"], schema=S)
    op.create_index("ix_target_lists_client_id", "target_lists", ["client_id"], schema=S)

    op.create_table(
        "targets",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        _uuid("target_list_id", "target_lists.id", ondelete="CASCADE"),
        _uuid("project_id", "projects.id", ondelete="CASCADE"),
        _uuid("client_id", "clients.id"),
        sa.Column("company_name", sa.String(200), nullable=False),
        sa.Column("company_name_key", sa.String(200), nullable=False),
        sa.Column("industry", sa.String(100)),
        sa.Column("size", sa.String(50)),
        sa.Column("region", sa.String(50)),
        sa.Column("phone", sa.String(20)),
        sa.Column("corporate_number", sa.String(13)),
        sa.Column("contact_name", sa.String(100)),
        sa.Column("note", sa.Text),
        sa.Column("priority_tier", sa.SmallInteger, nullable=False, server_default="3"),
        sa.Column("status", sa.String(16), nullable=False, server_default="new"),
        _ts("callback_due_at", nullable=True),
        sa.Column("call_count", sa.Integer, nullable=False, server_default="0"),
        _ts("last_called_at", nullable=True),
        sa.Column("leased_by", UUID(as_uuid=True)),
        _ts("lease_expires_at", nullable=True),
        _ts("created_at"), _ts("updated_at"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.CheckConstraint("priority_tier BETWEEN 1 AND 3", name="ck_targets_tier"),
        sa.CheckConstraint(
            "status IN ('new','called','callback','appointment','excluded','dnc')", name="ck_targets_status"
        ),
        schema=S,
    )
    op.create_index("ix_targets_list_id", "targets", ["target_list_id", "id"], schema=S)
    # Next target: per project and tier, uncalled targets in id order and callbacks by due time.
    op.create_index("ix_targets_next_new", "targets", ["project_id", "priority_tier", "id"], schema=S,
                    postgresql_where=sa.text("status = 'new'"))
    op.create_index("ix_targets_next_callback", "targets", ["project_id", "priority_tier", "callback_due_at", "id"],
                    schema=S, postgresql_where=sa.text("status = 'callback'"))
    # A member's own running lease is looked up first on every next-target request.
    op.create_index("ix_targets_leased_by", "targets", ["leased_by"], schema=S,
                    postgresql_where=sa.text("leased_by IS NOT NULL"))
    # Dedupe and do-not-call lookups across every project of a client.
    op.create_index("ix_targets_client_cn", "targets", ["client_id", "corporate_number"], schema=S,
                    postgresql_where=sa.text("corporate_number IS NOT NULL"))
    op.create_index("ix_targets_client_phone", "targets", ["client_id", "phone"], schema=S,
                    postgresql_where=sa.text("phone IS NOT NULL"))
    op.create_index("ix_targets_client_name", "targets", ["client_id", "company_name_key"], schema=S)

    op.create_table(
        "target_imports",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        _uuid("target_list_id", "target_lists.id", ondelete="CASCADE"),
        _uuid("project_id"), _uuid("client_id"),
        sa.Column("filename", sa.String(255)),
        sa.Column("file_kind", sa.String(8), nullable=False),
        sa.Column("encoding", sa.String(16)),
        sa.Column("dry_run", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("status", sa.String(16), nullable=False, server_default="running"),
        sa.Column("rows_total", sa.Integer),
        sa.Column("rows_processed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("created_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("accepted_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("duplicate_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("error_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("errors", JSONB, nullable=False, server_default="[]"),
        sa.Column("duplicates", JSONB, nullable=False, server_default="[]"),
        sa.Column("created_by", sa.String(64)),
        _ts("created_at"), _ts("finished_at", nullable=True),
        schema=S,
    )
    op.create_index("ix_target_imports_target_list_id", "target_imports", ["target_list_id"], schema=S)

    op.create_table(
        "dnc_entries",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        _uuid("client_id", "clients.id", ondelete="CASCADE"),
        sa.Column("corporate_number", sa.String(13)),
        sa.Column("phone", sa.String(20)),
        sa.Column("company_name", sa.String(200)),
        sa.Column("reason", sa.String(500)),
        sa.Column("created_by", sa.String(64)),
        _ts("created_at"),
        sa.CheckConstraint("corporate_number IS NOT NULL OR phone IS NOT NULL", name="ck_dnc_identified"),
        schema=S,
    )
    op.create_index("uq_dnc_client_cn", "dnc_entries", ["client_id", "corporate_number"], unique=True, schema=S,
                    postgresql_where=sa.text("corporate_number IS NOT NULL"))
    op.create_index("uq_dnc_client_phone", "dnc_entries", ["client_id", "phone"], unique=True, schema=S,
                    postgresql_where=sa.text("phone IS NOT NULL AND corporate_number IS NULL"))
    op.create_index("ix_dnc_client_phone", "dnc_entries", ["client_id", "phone"], schema=S,
                    postgresql_where=sa.text("phone IS NOT NULL"))

    op.execute(f"""
        CREATE TABLE {S}.calls (
            id uuid NOT NULL,
            occurred_at timestamptz NOT NULL,
            project_id uuid NOT NULL,
            client_id uuid NOT NULL,
            member_id uuid NOT NULL,
            target_id uuid NOT NULL,
            outcome varchar(24) NOT NULL CHECK (outcome IN ('no_answer','invalid_number','gatekeeper_block','absent',
                'connected_rejected','connected_followup','appointment')),
            duration_s integer NOT NULL DEFAULT 0 CHECK (duration_s >= 0),
            script_version_id uuid,
            variant varchar(40),
            note text,
            created_at timestamptz NOT NULL DEFAULT now(),
            updated_at timestamptz NOT NULL DEFAULT now(),
            version integer NOT NULL DEFAULT 1,
            PRIMARY KEY (id, occurred_at)
        ) PARTITION BY RANGE (occurred_at)
    """)
    op.execute(f"CREATE TABLE {S}.calls_default PARTITION OF {S}.calls DEFAULT")
    # Reporting rebuilds read per project and period; first-call checks read per target.
    op.execute(f"CREATE INDEX ix_calls_project_occurred ON {S}.calls (project_id, occurred_at)")
    op.execute(f"CREATE INDEX ix_calls_target ON {S}.calls (target_id)")
    op.execute(ENSURE_PARTITIONS)
    op.execute("SELECT projects.ensure_call_partitions(3)")

    op.create_table(
        "appointments",
        sa.Column("id", UUID(as_uuid=True), primary_key=True),
        _uuid("project_id", "projects.id", ondelete="CASCADE"),
        _uuid("client_id", "clients.id"),
        _uuid("call_id", nullable=True),
        _uuid("member_id", "users.id"),
        _uuid("target_id", "targets.id", ondelete="CASCADE"),
        sa.Column("company_name", sa.String(200), nullable=False),
        sa.Column("contact_name", sa.String(100)),
        sa.Column("contact_title", sa.String(100)),
        sa.Column("meeting_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("qualification", JSONB, nullable=False, server_default="{}"),
        sa.Column("handoff_status", sa.String(16), nullable=False, server_default="set"),
        sa.Column("partner_outcome", sa.String(16)),
        _uuid("deal_id", nullable=True),
        sa.Column("deal_amount", sa.BigInteger),
        sa.Column("deal_stage", sa.String(100)),
        sa.Column("note", sa.Text),
        _ts("set_at"), _ts("updated_at"),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.CheckConstraint("handoff_status IN ('set','held','no_show','cancelled')", name="ck_appointments_handoff"),
        sa.CheckConstraint("partner_outcome IN ('qualified','unqualified')", name="ck_appointments_outcome"),
        sa.CheckConstraint("deal_amount >= 0", name="ck_appointments_deal_amount"),
        schema=S,
    )
    op.create_index("ix_appointments_project_set", "appointments", ["project_id", "set_at", "id"], schema=S)
    op.create_index("ix_appointments_client_set", "appointments", ["client_id", "set_at", "id"], schema=S)
    op.create_index("ix_appointments_call_id", "appointments", ["call_id"], schema=S)

    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
        sa.Column("principal", sa.String(80), nullable=False),
        sa.Column("operation", sa.String(120), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer),
        sa.Column("response", JSONB),
        _ts("created_at"),
        sa.UniqueConstraint("principal", "operation", "key", name="uq_idempotency_keys"),
        schema=S,
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"], schema=S)


def downgrade() -> None:
    op.drop_table("idempotency_keys", schema=S)
    op.drop_table("appointments", schema=S)
    op.execute(f"DROP TABLE {S}.calls CASCADE")
    op.execute(f"DROP FUNCTION IF EXISTS {S}.ensure_call_partitions(integer)")
    for table in ("dnc_entries", "target_imports", "targets", "target_lists"):
        op.drop_table(table, schema=S)
