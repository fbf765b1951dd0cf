"""GET /v1/projects/{id}/pace-status: the business-day calendar and the pace thresholds, asked by the worker."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from anken_common.problems import problem_responses
from anken_reporting.auth.access import visible_project
from anken_reporting.auth.dependencies import KpiReader
from anken_reporting.calendar.schemas import PaceStatus
from anken_reporting.calendar.service import project_pace_status
from anken_reporting.db import ResourcesDep, SessionDep
from anken_reporting.kit.periods import check_day

router = APIRouter(tags=["kpis"])


@router.get(
    "/v1/projects/{project_id}/pace-status",
    summary="Whether a day is the project's business day, and its month-to-date pace status",
    description="The Japanese business-day calendar (public holidays and the project's extra closed days) and "
                "the pace thresholds (settings PACE_ON_TRACK, PACE_AT_RISK) live here; the integrations worker "
                "asks this endpoint before its end-of-day report and its pace warning.",
    response_model=PaceStatus,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_pace_status(
    project_id: uuid.UUID, session: SessionDep, resources: ResourcesDep, principal: KpiReader,
    as_of: Annotated[date | None, Query(description="the project's local day (default today, project tz)")] = None,
) -> PaceStatus:
    check_day("as_of", as_of)
    await visible_project(session, principal, project_id)
    settings = resources.settings
    return await project_pace_status(session, project_id, as_of, on_track=settings.pace_on_track,
                                     at_risk=settings.pace_at_risk)
