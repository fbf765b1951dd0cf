"""A project's business-day calendar and pace status on one day: the one place both are decided
(the worker's scheduled jobs ask for them instead of keeping their own copy)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import cast

from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.problems import NotFound
from anken_reporting.calendar.schemas import PaceStatus, PaceStatusName
from anken_reporting.kpis import repository
from anken_reporting.kpis.formulas import pace_status
from anken_reporting.kpis.month import calendar_for, month_result
from anken_reporting.readmodels.timezones import today_in


async def project_pace_status(
    session: AsyncSession, project_id: uuid.UUID, as_of: date | None, *, on_track: float, at_risk: float
) -> PaceStatus:
    """The project's day (default today in its time zone): business day or not, and its month pace
    judged against the thresholds. Raises NotFound for an unknown project."""
    project = await repository.get_project(session, project_id)
    if project is None:
        raise NotFound("project")
    day = as_of or today_in(project["timezone"])
    month = await month_result(session, project, day)
    status = pace_status(month.pace, on_track, at_risk, project_status=project["status"])
    return PaceStatus(
        project_id=project_id, as_of=day, business_day=calendar_for(project).is_business_day(day),
        pace=month.pace, progress_rate=month.progress_rate, status=cast("PaceStatusName | None", status),
        on_track=on_track, at_risk=at_risk, behind=status == "behind",
    )
