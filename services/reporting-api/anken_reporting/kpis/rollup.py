"""KPIs summed over several projects (a director's or a client's portfolio)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from anken_reporting.kpis.month import month_results
from anken_reporting.kpis.repository import ProjectRow
from anken_reporting.kpis.schemas import KpiFigures, KpiRollupResult, ProjectKpiLine
from anken_reporting.kpis.service import contract_figures, figures, period_figures
from anken_reporting.readmodels.timezones import today_in

SUMMED = ("calls", "contacts", "appointments", "duration_s")


def _sum(items: list[KpiFigures]) -> KpiFigures:
    totals = {name: sum(getattr(item, name) for item in items) for name in SUMMED}
    hours = sum(item.worked_hours or 0.0 for item in items)
    return KpiFigures(**figures(totals["calls"], totals["contacts"], totals["appointments"], totals["duration_s"], hours))


async def rollup_kpis(
    session: AsyncSession, projects: list[ProjectRow], start: date, end: date, as_of: date | None,
    *, director_id: uuid.UUID | None = None, client_id: uuid.UUID | None = None,
) -> KpiRollupResult:
    """Sums of the period figures (rates recomputed from the sums, not averaged) plus one line per project."""
    lines: list[ProjectKpiLine] = []
    previous: list[KpiFigures] = []
    months = await month_results(session, projects, {p["id"]: as_of or today_in(p["timezone"]) for p in projects})
    for project in projects:
        current = await period_figures(session, project["id"], start, end)
        previous.append(await period_figures(session, project["id"], start - (end - start), start))
        month = months[project["id"]]
        lines.append(ProjectKpiLine(
            **current.model_dump(), project_id=project["id"], name=project["name"],
            progress_rate=month.progress_rate, pace=month.pace, projected_month_end=month.projected_month_end,
            list_exhaustion_date=month.list_exhaustion_date,
        ))
    continuation, upsells = await contract_figures(session, [p["id"] for p in projects], start, end)
    return KpiRollupResult(
        **_sum(list(lines)).model_dump(), period_from=start, period_to=end, director_id=director_id,
        client_id=client_id, continuation_rate=continuation, upsell_count=upsells,
        monthly_appointment_target=sum(p["monthly_appointment_target"] for p in projects),
        previous=_sum(previous), projects=lines,
    )
