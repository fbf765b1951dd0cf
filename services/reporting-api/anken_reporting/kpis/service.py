"""A project's KPIs (DESIGN §3) from the read models.

`project_kpis(session, project_id, start, end, group_by=None, as_of=None) -> KpiResult` is the
one entry point other domains (weekly reports, portfolio) call for a project's numbers.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import TypedDict

from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.problems import NotFound
from anken_reporting.calendar.business_days import month_bounds
from anken_reporting.kpis import formulas, repository
from anken_reporting.kpis.month import calendar_for, month_result
from anken_reporting.kpis.repository import ProjectRow
from anken_reporting.kpis.schemas import GroupBy, KpiFigures, KpiGroup, KpiResult, KpiTarget
from anken_reporting.readmodels.timezones import today_in

MAX_FILLED_DAYS = 366  # group_by=day lists every day of periods up to this long, zeros included


class Figures(TypedDict):
    """The fields of KpiFigures, computed from the sums."""

    calls: int
    contacts: int
    appointments: int
    duration_s: int
    contact_rate: float | None
    contact_to_appointment_rate: float | None
    appointment_rate: float | None
    worked_hours: float | None
    appointments_per_hour: float | None


def figures(calls: int, contacts: int, appointments: int, duration_s: int, worked_hours: float | None) -> Figures:
    return {
        "calls": calls, "contacts": contacts, "appointments": appointments, "duration_s": duration_s,
        "contact_rate": formulas.contact_rate(contacts, calls),
        "contact_to_appointment_rate": formulas.contact_to_appointment_rate(appointments, contacts),
        "appointment_rate": formulas.appointment_rate(appointments, calls),
        "worked_hours": worked_hours,
        "appointments_per_hour": formulas.appointments_per_hour(appointments, worked_hours),
    }


async def period_figures(session: AsyncSession, project_id: uuid.UUID, start: date, end: date) -> KpiFigures:
    totals = await repository.rollup_totals(session, project_id, start, end)
    hours = await repository.worked_hours_total(session, project_id, start, end)
    return KpiFigures(**figures(totals["calls"], totals["contacts"], totals["appointments"], totals["duration_s"], hours))


def period_target(project: ProjectRow, start: date, end: date) -> float:
    """The monthly target pro-rated by business days over [start, end), month by month."""
    target = project["monthly_appointment_target"]
    if not target:
        return 0.0
    calendar = calendar_for(project)
    total = 0.0
    month_start = start.replace(day=1)
    while month_start < end:
        _, next_first = month_bounds(month_start)
        in_month = calendar.count(month_start, next_first)
        if in_month:
            covered = calendar.count(max(start, month_start), min(end, next_first))
            total += target * covered / in_month
        month_start = next_first
    return total


async def contract_figures(session: AsyncSession, project_ids: list[uuid.UUID], start: date, end: date) -> tuple[float | None, int]:
    """(continuation rate, upsell count) over [start, end)."""
    changes = await repository.contract_changes_between(session, project_ids, start, end)
    ended = [c for c in changes if c.kind in ("renewal", "end") and start <= c.term_end < end]
    renewed = sum(1 for c in ended if c.kind == "renewal")
    upsells = sum(
        1 for c in changes
        if start <= c.effective_date < end and formulas.is_upsell(c.kind, c.hours_before, c.hours_after, c.scope_increased)
    )
    return formulas.continuation_rate(renewed, len(ended)), upsells


async def group_figures(
    session: AsyncSession, project: ProjectRow, start: date, end: date, group_by: GroupBy
) -> list[KpiGroup]:
    rows = await repository.rollup_groups(session, project["id"], start, end, group_by)
    hours = (
        await repository.worked_hours_groups(session, project["id"], start, end, group_by)
        if group_by in repository.HOURS_GROUP_COLUMNS else None
    )
    by_key = {row["key"]: row for row in rows}
    keys: list[str | None] = [row["key"] for row in rows]
    if hours:
        keys += sorted(k for k in hours if k not in by_key)
    if group_by == GroupBy.day and (end - start).days <= MAX_FILLED_DAYS:
        keys = [(start + timedelta(days=i)).isoformat() for i in range((end - start).days)]
    names = await repository.member_names(session, project["id"]) if group_by == GroupBy.member else {}
    groups = []
    for key in keys:
        row = by_key.get(key) or {"calls": 0, "contacts": 0, "appointments": 0, "duration_s": 0}
        # Hours are logged by a member on a day: no hours belong to a group without a key.
        worked = None if hours is None else hours.get(key, 0.0) if key is not None else 0.0
        groups.append(KpiGroup(
            key=key, label=names.get(key) if key else None,
            **figures(row["calls"], row["contacts"], row["appointments"], row["duration_s"], worked),
        ))
    return groups


async def project_kpis(
    session: AsyncSession, project_id: uuid.UUID, start: date, end: date,
    group_by: GroupBy | str | None = None, as_of: date | None = None,
) -> KpiResult:
    """Every §3 figure of one project for [start, end) (local days of its time zone), with the
    previous period of equal length, the target, and month figures as of `as_of` (default today
    in the project's time zone). Raises NotFound for an unknown project."""
    project = await repository.get_project(session, project_id)
    if project is None:
        raise NotFound("project")
    group = GroupBy(group_by) if group_by else None
    as_of = as_of or today_in(project["timezone"])
    previous_start = start - (end - start)
    totals, previous_totals = await repository.rollup_totals_pair(session, project_id, previous_start, start, end)
    hours, previous_hours = await repository.worked_hours_pair(session, project_id, previous_start, start, end)
    current = KpiFigures(**figures(totals["calls"], totals["contacts"], totals["appointments"], totals["duration_s"], hours))
    previous = KpiFigures(**figures(previous_totals["calls"], previous_totals["contacts"], previous_totals["appointments"],
                                    previous_totals["duration_s"], previous_hours))
    month = await month_result(session, project, as_of)
    continuation, upsells = await contract_figures(session, [project_id], start, end)
    return KpiResult(
        **current.model_dump(),
        project_id=project_id, period_from=start, period_to=end, timezone=project["timezone"],
        progress_rate=month.progress_rate, pace=month.pace, projected_month_end=month.projected_month_end,
        list_exhaustion_date=month.list_exhaustion_date, continuation_rate=continuation, upsell_count=upsells,
        month=month.month,
        target=KpiTarget(
            monthly_appointment_target=project["monthly_appointment_target"],
            period_appointment_target=period_target(project, start, end),
            contracted_monthly_hours=project["contracted_monthly_hours"],
        ),
        previous=previous, group_by=group,
        groups=await group_figures(session, project, start, end, group) if group else [],
    )
