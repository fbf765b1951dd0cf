"""Month-to-date figures (progress, pace, projection, list exhaustion) for one or many projects,
with a fixed number of queries however many projects are asked for."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY, UUID
from sqlalchemy.ext.asyncio import AsyncSession

from anken_reporting.calendar.business_days import BusinessCalendar, month_bounds
from anken_reporting.kpis import formulas
from anken_reporting.kpis.repository import ProjectRow
from anken_reporting.kpis.schemas import MonthFigures
from anken_reporting.readmodels.models import call_project_days, target_stock

_UUID = UUID(as_uuid=True)
_UUIDS = ARRAY(_UUID)
_DATES = ARRAY(sa.Date)


def calendar_for(project: ProjectRow) -> BusinessCalendar:
    return BusinessCalendar(date.fromisoformat(d) for d in (project["extra_closed_days"] or []))


@dataclass(frozen=True)
class MonthResult:
    month: MonthFigures
    progress_rate: float | None
    pace: float | None
    projected_month_end: float | None
    list_exhaustion_date: date | None


# call_project_days: one row per project and day, so a month is ~30 rows per project.
# LATERAL per project: each project's days are one range of its (project_id, day) key. A plain
# join with the unnest lets the planner (it cannot see the ranges) hash-join over a scan of the
# whole table, which grows with history. Parameters: ids, starts, ends (one range per project).
def _project_ranges() -> sa.TableValuedAlias:
    return (
        sa.func.unnest(
            sa.bindparam("ids", type_=_UUIDS), sa.bindparam("starts", type_=_DATES), sa.bindparam("ends", type_=_DATES)
        )
        .table_valued(sa.column("project_id", _UUID), sa.column("s", sa.Date), sa.column("e", sa.Date))
        .render_derived(name="t")
    )


def _appointments_so_far() -> sa.Select[Any]:
    ranges, days = _project_ranges(), call_project_days.c
    per_project = (
        sa.select(sa.func.coalesce(sa.func.sum(days.appointments), 0).label("n"), sa.func.count().label("rows"))
        .where(days.project_id == ranges.c.project_id, days.day >= ranges.c.s, days.day < ranges.c.e)
        .lateral("x")
    )
    return (
        sa.select(ranges.c.project_id, per_project.c.n)
        .select_from(ranges.join(per_project, sa.true()))
        .where(per_project.c.rows > 0)
    )


def _calls_by_day() -> sa.Select[Any]:
    ranges, days = _project_ranges(), call_project_days.c
    per_day = (
        sa.select(days.day, sa.func.sum(days.calls).label("n"))
        .where(days.project_id == ranges.c.project_id, days.day >= ranges.c.s, days.day <= ranges.c.e)
        .group_by(days.day)
        .lateral("x")
    )
    return sa.select(ranges.c.project_id, per_day.c.day, per_day.c.n).select_from(ranges.join(per_day, sa.true()))


_STOCK = target_stock.c
APPOINTMENTS_SO_FAR = _appointments_so_far()
CALLS_BY_DAY = _calls_by_day()
REMAINING = sa.select(
    _STOCK.project_id,
    sa.func.greatest(0, _STOCK.callable_at_import - _STOCK.first_calls_since - _STOCK.withdrawn_since).label("n"),
).where(_STOCK.project_id == sa.any_(sa.bindparam("ids", type_=_UUIDS)))


async def month_results(session: AsyncSession, projects: list[ProjectRow], as_of: dict[uuid.UUID, date]) -> dict[uuid.UUID, MonthResult]:
    """Month figures of each project as of its `as_of[project id]` ("so far" = 1st … as_of inclusive)."""
    if not projects:
        return {}
    calendars = {p["id"]: calendar_for(p) for p in projects}
    windows = {p["id"]: calendars[p["id"]].last_business_days(as_of[p["id"]], formulas.LIST_EXHAUSTION_WINDOW)
               for p in projects}
    ids = [p["id"] for p in projects]
    so_far = dict((await session.execute(APPOINTMENTS_SO_FAR, {
        "ids": ids, "starts": [as_of[i].replace(day=1) for i in ids], "ends": [as_of[i] + timedelta(days=1) for i in ids],
    })).all())
    calls: dict[tuple[uuid.UUID, date], int] = {}
    with_window = [i for i in ids if windows[i]]
    if with_window:
        for row in await session.execute(CALLS_BY_DAY, {
            "ids": with_window, "starts": [windows[i][0] for i in with_window], "ends": [windows[i][-1] for i in with_window],
        }):
            calls[(row.project_id, row.day)] = int(row.n)
    remaining = dict((await session.execute(REMAINING, {"ids": ids})).all())
    results = {}
    for project in projects:
        pid, day, calendar = project["id"], as_of[project["id"]], calendars[project["id"]]
        first, next_first = month_bounds(day)
        total_days = calendar.count(first, next_first)
        elapsed = calendar.count(first, day + timedelta(days=1))
        appointments = int(so_far.get(pid, 0))
        progress = formulas.progress_rate(appointments, project["monthly_appointment_target"])
        recent = [calls.get((pid, d), 0) for d in windows[pid]]
        left = remaining.get(pid)
        results[pid] = MonthResult(
            month=MonthFigures(
                as_of=day, month_start=first, business_days_in_month=total_days, elapsed_business_days=elapsed,
                appointments_so_far=appointments, remaining_targets=None if left is None else int(left),
                average_daily_calls=(sum(recent) / len(recent)) if recent else None,
            ),
            progress_rate=progress,
            pace=formulas.pace(progress, elapsed, total_days),
            projected_month_end=formulas.projected_month_end(appointments, elapsed, total_days),
            list_exhaustion_date=formulas.list_exhaustion_date(None if left is None else int(left), recent, day, calendar),
        )
    return results


async def month_result(session: AsyncSession, project: ProjectRow, as_of: date) -> MonthResult:
    return (await month_results(session, [project], {project["id"]: as_of}))[project["id"]]
