"""The KPI read models as SQLAlchemy Core tables: projects, members, assignments, call rollups,
call states, worked hours, list stock, contract changes and appointments (migrations 0002, 0005,
0006 create them; tests/reporting_kpis/test_table_declarations.py compares the two)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlmodel import SQLModel

from anken_common.access import ProjectColumns
from anken_common.call_fact_widths import INDUSTRY_MAX_CHARS, VARIANT_MAX_CHARS
from anken_reporting.settings import SCHEMA

_UUID = UUID(as_uuid=True)
_TS = sa.DateTime(timezone=True)


def _counter(name: str, type_: type[sa.Integer] = sa.Integer) -> sa.Column[int]:
    return sa.Column(name, type_, nullable=False, server_default="0")


projects = sa.Table(
    "projects",
    SQLModel.metadata,
    sa.Column("id", _UUID, primary_key=True),
    sa.Column("client_id", _UUID, nullable=False, index=True),
    sa.Column("client_name", sa.String(200)),
    sa.Column("director_id", _UUID, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False, server_default="Asia/Tokyo"),
    _counter("monthly_appointment_target"),
    _counter("contracted_monthly_hours"),
    sa.Column("contract_end", sa.Date),
    sa.Column("renewal_date", sa.Date),
    sa.Column("extra_closed_days", JSONB, nullable=False, server_default="[]"),
    sa.Column("weekly_meeting_weekday", sa.SmallInteger),
    sa.Column("weekly_meeting_time", sa.String(5)),
    sa.Column("client_sees_member_names", sa.Boolean, nullable=False, server_default=sa.false()),
    # The outbox position of the event the row was taken from (0: unknown); an older event does not apply.
    sa.Column("sequence", sa.BigInteger, nullable=False, server_default="0"),
    schema=SCHEMA,
)
# The projects table's columns as the one access rule (anken_common.access) composes its clauses over them.
PROJECT_ACCESS_COLUMNS = ProjectColumns(id=projects.c.id, client_id=projects.c.client_id,
                                        director_id=projects.c.director_id)

users = sa.Table(
    "users",
    SQLModel.metadata,
    sa.Column("id", _UUID, primary_key=True),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    schema=SCHEMA,
)

assignments = sa.Table(
    "assignments",
    SQLModel.metadata,
    sa.Column("id", _UUID, primary_key=True),
    sa.Column("project_id", _UUID, nullable=False, index=True),
    sa.Column("member_id", _UUID, nullable=False, index=True),
    sa.Column("member_name", sa.String(100)),
    _counter("planned_hours"),
    sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
    schema=SCHEMA,
)

# One row per (project, member, local day, variant, script version, industry): every call KPI is a
# sum over these, never a scan of calls. '' stands for "none" so the key is unique.
call_daily_rollups = sa.Table(
    "call_daily_rollups",
    SQLModel.metadata,
    sa.Column("id", sa.BigInteger, sa.Identity(), primary_key=True),
    sa.Column("project_id", _UUID, nullable=False),
    sa.Column("member_id", _UUID, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("variant", sa.String(VARIANT_MAX_CHARS), nullable=False, server_default=""),
    sa.Column("script_version_id", sa.String(36), nullable=False, server_default=""),
    sa.Column("industry", sa.String(INDUSTRY_MAX_CHARS), nullable=False, server_default=""),
    _counter("calls"),
    _counter("contacts"),
    _counter("appointments"),
    _counter("duration_s", sa.BigInteger),
    _counter("first_calls"),
    sa.UniqueConstraint(
        "project_id", "day", "member_id", "variant", "script_version_id", "industry", name="uq_call_daily_rollups_key"
    ),
    schema=SCHEMA,
)

# What each call currently contributes, so edits, deletes and out-of-order events are exact.
call_states = sa.Table(
    "call_states",
    SQLModel.metadata,
    sa.Column("call_id", _UUID, primary_key=True),
    _counter("sequence", sa.BigInteger),
    sa.Column("project_id", _UUID, nullable=False),
    sa.Column("member_id", _UUID, nullable=False),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("variant", sa.String(VARIANT_MAX_CHARS), nullable=False, server_default=""),
    sa.Column("script_version_id", sa.String(36), nullable=False, server_default=""),
    sa.Column("industry", sa.String(INDUSTRY_MAX_CHARS), nullable=False, server_default=""),
    sa.Column("outcome", sa.String(32), nullable=False),
    _counter("duration_s"),
    sa.Column("first_call", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("deleted", sa.Boolean, nullable=False, server_default=sa.false()),
    schema=SCHEMA,
)

# The sums of call_daily_rollups over members, variants, versions and industries: figures grouped
# by project only read ~30 rows a month here; every path that writes the rollups writes this too.
call_project_days = sa.Table(
    "call_project_days",
    SQLModel.metadata,
    sa.Column("project_id", _UUID, primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    _counter("calls"),
    _counter("contacts"),
    _counter("appointments"),
    _counter("duration_s", sa.BigInteger),
    _counter("first_calls"),
    schema=SCHEMA,
)

worked_hours = sa.Table(
    "worked_hours",
    SQLModel.metadata,
    sa.Column("project_id", _UUID, primary_key=True),
    sa.Column("member_id", _UUID, primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("hours", sa.Numeric(5, 2), nullable=False),
    schema=SCHEMA,
)

# Callable targets as of the latest import, minus first calls and withdrawals since then.
target_stock = sa.Table(
    "target_stock",
    SQLModel.metadata,
    sa.Column("project_id", _UUID, primary_key=True),
    _counter("callable_at_import"),
    _counter("first_calls_since"),
    _counter("withdrawn_since"),
    schema=SCHEMA,
)

contract_changes = sa.Table(
    "contract_changes",
    SQLModel.metadata,
    sa.Column("id", _UUID, primary_key=True),
    sa.Column("project_id", _UUID, nullable=False, index=True),
    sa.Column("client_id", _UUID, nullable=False, index=True),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("effective_date", sa.Date, nullable=False),
    sa.Column("term_end_date", sa.Date),
    sa.Column("hours_before", sa.Integer),
    sa.Column("hours_after", sa.Integer),
    sa.Column("scope_increased", sa.Boolean, nullable=False, server_default=sa.false()),
    schema=SCHEMA,
)

appointments = sa.Table(
    "appointments",
    SQLModel.metadata,
    sa.Column("id", _UUID, primary_key=True),
    sa.Column("project_id", _UUID, nullable=False),
    sa.Column("client_id", _UUID, nullable=False),
    sa.Column("member_id", _UUID, nullable=False),
    sa.Column("set_day", sa.Date, nullable=False),
    sa.Column("meeting_at", _TS, nullable=False),
    sa.Column("handoff_status", sa.String(16), nullable=False),
    sa.Column("partner_outcome", sa.String(16)),
    sa.Column("deal_id", _UUID),
    sa.Column("deal_amount", sa.BigInteger),
    sa.Column("deal_won", sa.Boolean),
    # The outbox position of the event the row was taken from (0: unknown); an older event does not apply.
    sa.Column("sequence", sa.BigInteger, nullable=False, server_default="0"),
    sa.Index("ix_appointments_project_day", "project_id", "set_day"),
    schema=SCHEMA,
)
