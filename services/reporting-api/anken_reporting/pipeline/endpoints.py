"""Pipeline analytics routes: `GET /v1/pipeline/summary` and owners' teams."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from anken_common.auth_tokens import Role
from anken_common.problems import UnprocessableEntity, problem_responses
from anken_reporting.auth.access import SALES_RULE, sales_owner
from anken_reporting.auth.dependencies import require_roles
from anken_reporting.auth.principal import Principal
from anken_reporting.db import SessionDep
from anken_reporting.forecast.periods import MAX_YEAR, MIN_YEAR
from anken_reporting.kit.periods import today_local
from anken_reporting.pipeline import service
from anken_reporting.pipeline.analytics import Period
from anken_reporting.pipeline.schemas import PipelineGroupBy, PipelineSummary, TeamAssignment, TeamAssignmentOut

router = APIRouter(prefix="/v1/pipeline", tags=["pipeline"])

SalesReader = Annotated[Principal, Depends(require_roles(Role.manager, Role.director))]
SalesManager = Annotated[Principal, Depends(require_roles(Role.manager))]


def month_of(day: date) -> Period:
    end = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return Period(date(day.year, day.month, 1), end)


def check_year(field: str, day: date | None) -> None:
    """Dates far outside any pipeline would overflow the database's timestamp range: refuse them."""
    if day is not None and not MIN_YEAR <= day.year <= MAX_YEAR:
        raise UnprocessableEntity(field, f"the year must be between {MIN_YEAR} and {MAX_YEAR}")


@router.get(
    "/summary",
    summary="Pipeline analytics for a period",
    description=(
        "Weighted pipeline, win rate by count and amount, average deal size, median sales cycle, "
        "stage conversion, stage aging with overdue flags, slippage and coverage against quota "
        "(DESIGN §3), for one owner or everyone, optionally per owner, lead source or team. "
        "`from` is inclusive, `to` exclusive (Asia/Tokyo dates); both default to the current month. "
        + SALES_RULE
    ),
    response_model=PipelineSummary,
    response_model_by_alias=True,
    responses=problem_responses(401, 403, 404, 422),
)
async def pipeline_summary(
    session: SessionDep,
    principal: SalesReader,
    owner_id: Annotated[uuid.UUID | None, Query(description="Only this owner's deals and quota")] = None,
    pipeline_id: Annotated[uuid.UUID | None, Query(
        description="Only this pipeline's deals: with `owner_id`, the figures of exactly the open deals a board "
                    "of that pipeline and owner shows (`GET /v1/deals?pipeline_id&owner_id&status=open`)")] = None,
    from_: Annotated[date | None, Query(alias="from", description="First day (inclusive)")] = None,
    to: Annotated[date | None, Query(description="Day after the last (exclusive)")] = None,
    group_by: Annotated[PipelineGroupBy | None, Query(description="owner | lead_source | team")] = None,
    as_of: Annotated[date | None, Query(description="Day stage aging is measured on; default today")] = None,
) -> PipelineSummary:
    owner_id = sales_owner(principal, owner_id)
    for field, value in (("from", from_), ("to", to), ("as_of", as_of)):
        check_year(field, value)
    today = as_of or today_local()
    default = month_of(today)
    start, end = from_ or default.start, to or default.end
    if end <= start:
        raise UnprocessableEntity("to", "must be after from")
    return await service.summary(
        session, owner_id=owner_id, period=Period(start, end), group_by=group_by, as_of=today, pipeline_id=pipeline_id,
    )


@router.put(
    "/owners/{owner_id}/team",
    summary="Put a deal owner in a team",
    description="Teams group the pipeline summary (`group_by=team`); owners without one are `unassigned`.",
    response_model=TeamAssignmentOut,
    responses=problem_responses(401, 403, 422),
)
async def set_owner_team(
    owner_id: uuid.UUID, body: TeamAssignment, session: SessionDep, _principal: SalesManager,
) -> TeamAssignmentOut:
    await service.set_team(session, owner_id, body.team.strip())
    return TeamAssignmentOut(owner_id=owner_id, team=body.team.strip())
