"""GET /v1/portfolio: every project of a director with progress, pace, list and alerts."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from anken_common.auth_tokens import Role
from anken_common.problems import NotFound, UnprocessableEntity, problem_responses
from anken_reporting.auth.access import filter_visible
from anken_reporting.auth.dependencies import DirectorOrManager
from anken_reporting.db import ResourcesDep, SessionDep
from anken_reporting.kit.periods import check_day
from anken_reporting.kpis.repository import projects_where
from anken_reporting.portfolio.schemas import Portfolio
from anken_reporting.portfolio.service import build_portfolio

router = APIRouter(tags=["portfolio"])
OPEN_STATUSES = ("kickoff", "active", "paused")


@router.get(
    "/v1/portfolio",
    summary="A director's portfolio: every project with progress, pace status, list exhaustion, alerts, next meeting",
    description="Admins and managers read any director's portfolio; a director only their own (another "
                "director's is 404).",
    response_model=Portfolio,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_portfolio(
    session: SessionDep, resources: ResourcesDep, principal: DirectorOrManager,
    director_id: Annotated[uuid.UUID | None, Query(description="default: yourself when you are a director")] = None,
    as_of: Annotated[date | None, Query(description="month figures as of this day (default today, project tz)")] = None,
    include_closed: Annotated[bool, Query(description="also list draft and ended projects")] = False,
    on_track: Annotated[float | None, Query(ge=0, le=10, description="pace at or above this is on_track")] = None,
    at_risk: Annotated[float | None, Query(ge=0, le=10, description="pace at or above this is at_risk")] = None,
) -> Portfolio:
    check_day("as_of", as_of)
    settings = resources.settings
    on_track = settings.pace_on_track if on_track is None else on_track
    at_risk = settings.pace_at_risk if at_risk is None else at_risk
    if at_risk > on_track:
        raise UnprocessableEntity("at_risk", "must not exceed on_track")
    if director_id is None:
        if principal.role != Role.director:
            raise UnprocessableEntity("director_id", "required unless you are a director")
        director_id = principal.id  # type: ignore[assignment]
    if not principal.sees_everything and director_id != principal.id:
        raise NotFound("director")
    projects = await projects_where(session, director_id=director_id)
    if not include_closed:
        projects = [p for p in projects if p["status"] in OPEN_STATUSES]
    projects = await filter_visible(session, principal, projects)
    return await build_portfolio(session, projects, director_id=director_id, on_track=on_track, at_risk=at_risk, as_of=as_of)
