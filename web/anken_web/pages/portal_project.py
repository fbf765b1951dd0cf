"""One project in the client portal (/client/projects/{id}): this month's figures with the appointments
delivered day by day against the monthly target, the appointment quality totals, and the way to the
appointments and the weekly reports."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from anken_web import charts, periods
from anken_web.appointment_quality import QualityView, load_quality
from anken_web.pages.portal_common import (
    PortalView,
    glance,
    month_kpis,
    project_of,
    staff_elsewhere,
    this_month,
    timezone_of,
)
from anken_web.rendering import View

router = APIRouter(include_in_schema=False)


def cumulative_chart(kpis: dict[str, Any] | None, target: object, today: date) -> charts.BarChart | None:
    """Appointments delivered so far, day by day up to today (bars), under the monthly target (the line)."""
    days = [g for g in (kpis or {}).get("groups") or [] if str(g.get("key")) <= today.isoformat()]
    if not days:
        return None
    running, totals = 0, []
    for group in days:
        running += int(group.get("appointments") or 0)
        totals.append(running)
    level = float(target) if isinstance(target, int | float) else None
    return charts.bar_chart([str(g.get("key"))[5:] for g in days], list(map(float, totals)),
                            line=[level] * len(days) if level else None)


async def quality_of(view: View, project: dict[str, Any]) -> QualityView:
    """The month's appointment quality totals; the member ranking only where the project lets its client see
    member names (reporting-api refuses it otherwise)."""
    first, after = this_month(project)
    return await load_quality(view.api, project["id"], period_from=first, period_to=after,
                              with_members=bool(project.get("client_sees_member_names")))


@router.get("/client/projects/{project_id}")
async def client_project(view: PortalView, project_id: str) -> Response:
    if (elsewhere := staff_elsewhere(view)) is not None:
        return elsewhere
    project = await project_of(view, project_id)
    kpis = await month_kpis(view, project, group_by="day")
    figures = glance(project, kpis)
    first, after = this_month(project)
    chart = cumulative_chart(kpis, figures["target"], periods.today_in(timezone_of(project)))
    return view.render("client/project.html", project=project, g=figures, chart=chart,
                       quality=await quality_of(view, project), month_from=first, month_to=after)
