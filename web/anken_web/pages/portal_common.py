"""What the client portal's pages share (pages/portal_*.py): who they are for, the project as the client user
sees it, and the month's figures from reporting-api.

The portal is the client's. Staff who open a /client page go to their own home, where the same project has
its agency pages; a client user reaches only these pages (navigation.CLIENT_PAGES). Whose project it is, is
the APIs' decision: another client's project answers 404 there, and so here.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import Depends
from starlette.responses import Response

from anken_web import periods
from anken_web.navigation import home_for
from anken_web.rendering import View, user_view

PortalView = Annotated[View, Depends(user_view)]
DEFAULT_TZ = "Asia/Tokyo"


def staff_elsewhere(view: View) -> Response | None:
    """A redirect to the user's own home when they are not a client user (None for a client user)."""
    if view.session.role == "client":
        return None
    return view.redirect(home_for(view.session.role))


def timezone_of(project: dict[str, Any]) -> str:
    return str(project.get("timezone") or DEFAULT_TZ)


def month_of(day: date) -> tuple[date, date]:
    """The calendar month containing `day`: its first day and the first day of the next month."""
    first = day.replace(day=1)
    after = (first + timedelta(days=32)).replace(day=1)
    return first, after


def this_month(project: dict[str, Any]) -> tuple[date, date]:
    return month_of(periods.today_in(timezone_of(project)))


async def project_of(view: View, project_id: str) -> dict[str, Any]:
    """The project as the client user may see it (the API answers another client's project 404)."""
    project: dict[str, Any] = await view.api.get("projects", f"/v1/projects/{project_id}")
    return project


async def month_kpis(view: View, project: dict[str, Any], group_by: str | None = None) -> dict[str, Any] | None:
    """The project's figures for this month (month-to-date progress, pace, projection, list left); None while
    reporting-api has not caught up with a new project."""
    first, after = this_month(project)
    figures: dict[str, Any] | None = await view.api.try_get(
        "reporting", f"/v1/projects/{project['id']}/kpis", **{"from": first.isoformat(), "to": after.isoformat()},
        group_by=group_by)
    return figures


def glance(project: dict[str, Any], kpis: dict[str, Any] | None) -> dict[str, Any]:
    """One project's month at a glance, as the portal's home and project page show it."""
    figures = kpis or {}
    month = figures.get("month") or {}
    target = (figures.get("target") or {}).get("monthly_appointment_target",
                                                 project.get("monthly_appointment_target"))
    return {
        "project": project, "pending": kpis is None, "delivered": month.get("appointments_so_far"), "target": target,
        "progress_rate": figures.get("progress_rate"), "pace": figures.get("pace"),
        "projected_month_end": figures.get("projected_month_end"),
        "list_exhaustion_date": figures.get("list_exhaustion_date"), "remaining_targets": month.get("remaining_targets"),
        "business_days": month.get("business_days_in_month"), "elapsed_days": month.get("elapsed_business_days"),
    }
