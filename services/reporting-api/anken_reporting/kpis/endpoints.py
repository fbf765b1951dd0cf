"""KPI routes: one project's figures, and figures over a director's or a client's projects."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from anken_common.auth_tokens import Role
from anken_common.problems import NotFound, UnprocessableEntity, problem_responses
from anken_reporting.auth.access import MEMBER_GROUPING_RULE, check_member_grouping, filter_visible, visible_project
from anken_reporting.auth.dependencies import KpiReader
from anken_reporting.db import SessionDep
from anken_reporting.kit.periods import FromQuery, ToQuery, check_period
from anken_reporting.kpis import repository
from anken_reporting.kpis.rollup import rollup_kpis
from anken_reporting.kpis.schemas import GroupBy, KpiResult, KpiRollupResult
from anken_reporting.kpis.service import project_kpis

router = APIRouter(tags=["kpis"])


@router.get(
    "/v1/projects/{project_id}/kpis",
    summary="A project's KPIs for a period (DESIGN §3), with previous period, target and groups",
    description="A client user or partner key reads its own client's projects only (another's is 404). "
                + MEMBER_GROUPING_RULE + "; else 403.",
    response_model=KpiResult,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_project_kpis(
    project_id: uuid.UUID, session: SessionDep, principal: KpiReader, start: FromQuery, end: ToQuery,
    group_by: Annotated[GroupBy | None, Query(description="split the figures into `groups`")] = None,
    as_of: Annotated[date | None, Query(description="month figures as of this day (default today, project tz)")] = None,
) -> KpiResult:
    check_period(start, end, as_of)
    project = await visible_project(session, principal, project_id)
    check_member_grouping(principal, project, group_by == GroupBy.member)
    return await project_kpis(session, project_id, start, end, group_by, as_of)


@router.get(
    "/v1/kpis",
    summary="KPIs over a director's or a client's projects",
    description="Directors default to their own projects and partner keys to their client's; "
                "everyone else names a director_id or client_id. A client or director none of whose projects "
                "the caller may see is 404 (admins and managers get empty figures instead).",
    response_model=KpiRollupResult,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_kpis(
    session: SessionDep, principal: KpiReader, start: FromQuery, end: ToQuery,
    director_id: Annotated[uuid.UUID | None, Query(description="projects this director runs")] = None,
    client_id: Annotated[uuid.UUID | None, Query(description="projects of this client")] = None,
    as_of: Annotated[date | None, Query(description="month figures as of this day")] = None,
) -> KpiRollupResult:
    check_period(start, end, as_of)
    if director_id is None and client_id is None:
        if principal.role == Role.director:
            director_id = principal.id  # type: ignore[assignment]
        elif principal.is_partner:
            client_id = principal.client_id
        else:
            raise UnprocessableEntity("director_id", "give director_id or client_id")
    if principal.is_partner and client_id is not None and client_id != principal.client_id:
        raise NotFound("client")
    projects = await repository.projects_where(session, director_id=director_id, client_id=client_id)
    projects = await filter_visible(session, principal, projects)
    own = (client_id is None and director_id == principal.id) or (
        principal.is_partner and director_id is None and client_id == principal.client_id)
    if not projects and not own and not principal.sees_everything:
        # Another client or director, none of whose projects the caller may see, is answered as unknown.
        raise NotFound("client" if client_id is not None else "director")
    return await rollup_kpis(session, projects, start, end, as_of, director_id=director_id, client_id=client_id)
