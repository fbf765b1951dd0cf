"""Queries over the KPI read models (never raw calls).

Figures of a whole project read call_project_days (one row per project and local day); only
figures grouped by member, variant, industry or script version read the fine call_daily_rollups.
The two hold the same sums (tests pin it), so which one answers never changes a number.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any, TypedDict, cast

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from anken_reporting.kpis.schemas import GroupBy
from anken_reporting.readmodels.models import (
    assignments,
    call_daily_rollups,
    call_project_days,
    contract_changes,
    projects,
    target_stock,
    users,
    worked_hours,
)

# The column each grouping groups by; the API's key is its text, with '' ("none") as null.
ROLLUP_GROUP_COLUMNS: dict[GroupBy, str] = {
    GroupBy.member: "member_id",
    GroupBy.variant: "variant",
    GroupBy.day: "day",
    GroupBy.industry: "industry",
    GroupBy.script_version: "script_version_id",
}
HOURS_GROUP_COLUMNS: dict[GroupBy, str] = {GroupBy.member: "member_id", GroupBy.day: "day"}
CALL_SUMS = ("calls", "contacts", "appointments", "duration_s")


class ProjectRow(TypedDict):
    """A row of the projects read model (readmodels.models.projects) by column name; its keys are the
    table's columns (tests/reporting_kpis/test_table_declarations.py compares them)."""

    id: uuid.UUID
    client_id: uuid.UUID
    client_name: str | None
    director_id: uuid.UUID | None
    name: str
    status: str
    timezone: str
    monthly_appointment_target: int
    contracted_monthly_hours: int
    contract_end: date | None
    renewal_date: date | None
    extra_closed_days: list[str]
    weekly_meeting_weekday: int | None
    weekly_meeting_time: str | None
    client_sees_member_names: bool
    sequence: int  # the outbox position of the event the row was taken from (readmodels.projections)


def _project_row(row: sa.RowMapping) -> ProjectRow:
    # SQLAlchemy types a Core row's values as Any: the row's keys and types are the table's.
    return cast(ProjectRow, dict(row))


def _in_period(table: sa.Table, project_id: uuid.UUID, start: date, end: date) -> sa.ColumnElement[bool]:
    return sa.and_(table.c.project_id == project_id, table.c.day >= start, table.c.day < end)


def _group_key(column: sa.Column[Any]) -> sa.Label[Any]:
    key = sa.func.nullif(column, "") if isinstance(column.type, sa.String) else sa.cast(column, sa.Text)
    return key.label("key")


def _zero_if_null(value: sa.ColumnElement[Any]) -> sa.ColumnElement[Any]:
    return sa.func.coalesce(value, 0)


async def get_project(session: AsyncSession, project_id: uuid.UUID) -> ProjectRow | None:
    row = (await session.execute(sa.select(projects).where(projects.c.id == project_id))).mappings().first()
    return None if row is None else _project_row(row)


async def rollup_totals(session: AsyncSession, project_id: uuid.UUID, start: date, end: date) -> dict[str, int]:
    days = call_project_days
    query = sa.select(*(_zero_if_null(sa.func.sum(days.c[c])).label(c) for c in CALL_SUMS)).where(
        _in_period(days, project_id, start, end)
    )
    row = (await session.execute(query)).mappings().one()
    return {k: int(v) for k, v in row.items()}


async def rollup_groups(session: AsyncSession, project_id: uuid.UUID, start: date, end: date,
                        group_by: GroupBy) -> list[dict[str, Any]]:
    # Per day is a figure of the whole project: call_project_days holds it in ~30 rows a month.
    table = call_project_days if group_by == GroupBy.day else call_daily_rollups
    column = table.c[ROLLUP_GROUP_COLUMNS[group_by]]
    key = _group_key(column)
    query = (
        sa.select(key, *(sa.func.sum(table.c[c]).label(c) for c in CALL_SUMS))
        .where(_in_period(table, project_id, start, end))
        .group_by(column)
        .order_by(key.nulls_last())
    )
    rows = (await session.execute(query)).mappings().all()
    return [{"key": r["key"], **{c: int(r[c]) for c in CALL_SUMS}} for r in rows]


async def worked_hours_total(session: AsyncSession, project_id: uuid.UUID, start: date, end: date) -> float:
    query = sa.select(_zero_if_null(sa.func.sum(worked_hours.c.hours))).where(
        _in_period(worked_hours, project_id, start, end)
    )
    return float((await session.execute(query)).scalar() or 0)


async def worked_hours_groups(
    session: AsyncSession, project_id: uuid.UUID, start: date, end: date, group_by: GroupBy
) -> dict[str, float]:
    column = worked_hours.c[HOURS_GROUP_COLUMNS[group_by]]
    query = (
        sa.select(_group_key(column), sa.func.sum(worked_hours.c.hours).label("hours"))
        .where(_in_period(worked_hours, project_id, start, end))
        .group_by(column)
    )
    rows = (await session.execute(query)).all()
    return {row.key: float(row.hours) for row in rows}


async def remaining_targets(session: AsyncSession, project_id: uuid.UUID) -> int | None:
    stock = target_stock.c
    query = sa.select(stock.callable_at_import, stock.first_calls_since, stock.withdrawn_since).where(
        stock.project_id == project_id
    )
    row = (await session.execute(query)).first()
    if row is None:
        return None
    return max(0, int(row.callable_at_import - row.first_calls_since - row.withdrawn_since))


async def contract_changes_between(session: AsyncSession, project_ids: Sequence[uuid.UUID], start: date,
                                   end: date) -> list[sa.Row[str, date, date, int | None, int | None, bool]]:
    """Changes effective in the period, plus renewals/ends whose term ended in it."""
    changes = contract_changes.c
    term_end = sa.func.coalesce(changes.term_end_date, changes.effective_date)
    query = sa.select(
        changes.kind, changes.effective_date, term_end.label("term_end"), changes.hours_before, changes.hours_after,
        changes.scope_increased,
    ).where(
        changes.project_id == sa.any_(sa.cast(list(project_ids), sa.ARRAY(changes.project_id.type))),
        sa.or_(
            sa.and_(changes.effective_date >= start, changes.effective_date < end),
            sa.and_(term_end >= start, term_end < end),
        ),
    )
    return list((await session.execute(query)).all())


async def member_names(session: AsyncSession, project_id: uuid.UUID) -> dict[str, str]:
    assigned = sa.select(assignments.c.member_id).where(assignments.c.project_id == project_id)
    query = sa.union(
        sa.select(sa.cast(users.c.id, sa.Text).label("id"), users.c.name).where(users.c.id.in_(assigned)),
        sa.select(sa.cast(assignments.c.member_id, sa.Text), assignments.c.member_name).where(
            assignments.c.project_id == project_id, assignments.c.member_name.is_not(None)
        ),
    )
    rows = (await session.execute(query)).all()
    return {row.id: row.name for row in rows}


async def projects_where(session: AsyncSession, *, director_id: uuid.UUID | None = None,
                         client_id: uuid.UUID | None = None,
                         project_ids: Sequence[uuid.UUID] | None = None) -> list[ProjectRow]:
    query = sa.select(projects).order_by(projects.c.name, projects.c.id)
    if director_id is not None:
        query = query.where(projects.c.director_id == director_id)
    if client_id is not None:
        query = query.where(projects.c.client_id == client_id)
    if project_ids is not None:
        query = query.where(projects.c.id == sa.any_(sa.cast(list(project_ids), sa.ARRAY(projects.c.id.type))))
    return [_project_row(row) for row in (await session.execute(query)).mappings()]


async def rollup_totals_pair(session: AsyncSession, project_id: uuid.UUID, previous_start: date, start: date,
                             end: date) -> tuple[dict[str, int], dict[str, int]]:
    """Totals of [start, end) and of [previous_start, start) in one scan of the rollups."""
    days = call_project_days.c
    current_sums = (_zero_if_null(sa.func.sum(days[c]).filter(days.day >= start)).label(f"cur_{c}") for c in CALL_SUMS)
    previous_sums = (_zero_if_null(sa.func.sum(days[c]).filter(days.day < start)).label(f"prev_{c}") for c in CALL_SUMS)
    query = sa.select(*current_sums, *previous_sums).where(
        _in_period(call_project_days, project_id, previous_start, end)
    )
    row = (await session.execute(query)).mappings().one()
    current = {c: int(row[f"cur_{c}"]) for c in CALL_SUMS}
    previous = {c: int(row[f"prev_{c}"]) for c in CALL_SUMS}
    return current, previous


async def worked_hours_pair(session: AsyncSession, project_id: uuid.UUID, previous_start: date, start: date,
                            end: date) -> tuple[float, float]:
    hours = worked_hours.c
    query = sa.select(
        _zero_if_null(sa.func.sum(hours.hours).filter(hours.day >= start)).label("cur"),
        _zero_if_null(sa.func.sum(hours.hours).filter(hours.day < start)).label("prev"),
    ).where(_in_period(worked_hours, project_id, previous_start, end))
    row = (await session.execute(query)).one()
    return float(row.cur), float(row.prev)
