"""Assembling a director's portfolio from the read models."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from anken_reporting.alerts.repository import open_counts
from anken_reporting.kit.models import utc_now
from anken_reporting.kpis.formulas import pace_status
from anken_reporting.kpis.month import month_results
from anken_reporting.kpis.repository import ProjectRow
from anken_reporting.portfolio.meetings import next_weekly_meeting
from anken_reporting.portfolio.schemas import PaceStatus, Portfolio, PortfolioProject, PortfolioThresholds
from anken_reporting.quality.service import quality_by_project
from anken_reporting.readmodels.timezones import today_in

PACE_STATUSES = tuple(status.value for status in PaceStatus)


async def build_portfolio(
    session: AsyncSession, projects: list[ProjectRow], *, director_id: uuid.UUID | None, on_track: float, at_risk: float,
    as_of: date | None = None,
) -> Portfolio:
    now = utc_now()
    alerts = await open_counts(session, [p["id"] for p in projects]) if projects else {}
    days = {p["id"]: as_of or today_in(p["timezone"]) for p in projects}
    months = await month_results(session, projects, days)
    quality = await quality_by_project(
        session, {pid: (day.replace(day=1), day + timedelta(days=1)) for pid, day in days.items()})
    items = []
    for project in projects:
        day = days[project["id"]]
        month = months[project["id"]]
        items.append(PortfolioProject(
            project_id=project["id"], name=project["name"], client_id=project["client_id"],
            client_name=project["client_name"], status=project["status"], timezone=project["timezone"], as_of=day,
            monthly_appointment_target=project["monthly_appointment_target"],
            appointments_so_far=month.month.appointments_so_far, progress_rate=month.progress_rate, pace=month.pace,
            pace_status=pace_status(month.pace, on_track, at_risk, project_status=project["status"]),
            projected_month_end=month.projected_month_end,
            remaining_targets=month.month.remaining_targets, list_exhaustion_date=month.list_exhaustion_date,
            open_alerts=alerts.get(project["id"], 0),
            next_weekly_meeting=next_weekly_meeting(project["weekly_meeting_weekday"], project["weekly_meeting_time"],
                                                    project["timezone"], now),
            month_quality=quality.get(project["id"]),
        ))
    counts = Counter(item.pace_status.value for item in items if item.pace_status)
    return Portfolio(
        director_id=director_id, thresholds=PortfolioThresholds(on_track=on_track, at_risk=at_risk),
        counts={status: counts.get(status, 0) for status in PACE_STATUSES}, items=items,
    )
