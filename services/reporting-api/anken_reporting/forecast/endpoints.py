"""Forecast routes: the category forecast of a period, and weekly snapshots with their accuracy."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from anken_common.auth_tokens import Role
from anken_common.problems import UnprocessableEntity, problem_responses
from anken_reporting.auth.access import SALES_RULE, sales_owner
from anken_reporting.auth.dependencies import require_roles
from anken_reporting.auth.principal import Principal
from anken_reporting.db import SessionDep
from anken_reporting.forecast import service
from anken_reporting.forecast.periods import PERIOD_PATTERN, InvalidPeriod, parse_period
from anken_reporting.forecast.schemas import ForecastOut, SnapshotList, SnapshotRequest
from anken_reporting.kit.periods import today_local

router = APIRouter(prefix="/v1/forecast", tags=["forecast"])

SalesReader = Annotated[Principal, Depends(require_roles(Role.manager, Role.director))]
SalesManager = Annotated[Principal, Depends(require_roles(Role.manager))]
PeriodQuery = Annotated[
    str | None, Query(pattern=PERIOD_PATTERN, description="A month `2026-11` or a quarter `2026-Q4`")
]


@router.get(
    "",
    summary="Forecast by category for a period",
    description=(
        "commit = won + open `commit`; best case = commit + open `best_case` (deals expected to close in "
        "the period), with the open pipeline, quota (with `quota_parts`: how it was derived) and coverage. "
        "Default period: today's quarter when every quota covering today (of the owner, or of everyone) was "
        "entered for exactly that quarter, so it shows as entered; otherwise the current month. "
        + SALES_RULE
    ),
    response_model=ForecastOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_forecast(
    session: SessionDep, principal: SalesReader,
    owner_id: Annotated[uuid.UUID | None, Query(description="One owner; default everyone together")] = None,
    period: PeriodQuery = None,
) -> ForecastOut:
    owner_id = sales_owner(principal, owner_id)
    try:
        return await service.forecast(session, owner_id, period, today_local())
    except InvalidPeriod as exc:
        raise UnprocessableEntity("period", str(exc)) from None


@router.post(
    "/snapshots",
    summary="Take this week's forecast snapshots",
    description=(
        "Stores each owner's forecast for the given periods (default: current month and quarter) as this "
        "ISO week's snapshot. Idempotent per owner, period and week: the worker's weekly job may retry it."
    ),
    response_model=SnapshotList,
    responses=problem_responses(401, 403, 422),
)
async def take_snapshots(session: SessionDep, _principal: SalesManager, body: SnapshotRequest | None = None) -> SnapshotList:
    body = body or SnapshotRequest()
    try:
        items = await service.take_snapshots(
            session, body.requested_periods(), body.owner_id, body.as_of or today_local(),
        )
    except InvalidPeriod as exc:
        raise UnprocessableEntity("periods", str(exc)) from None
    return SnapshotList(items=items)


@router.get(
    "/snapshots",
    summary="Past forecast snapshots and their accuracy",
    description="Accuracy = 1 − |snapshot commit − actual won| / actual won, once the period is over. " + SALES_RULE,
    response_model=SnapshotList,
    responses=problem_responses(401, 403, 404, 422),
)
async def list_snapshots(
    session: SessionDep, principal: SalesReader,
    owner_id: Annotated[uuid.UUID | None, Query()] = None,
    period: PeriodQuery = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> SnapshotList:
    owner_id = sales_owner(principal, owner_id)
    if period is not None:
        try:
            parse_period(period)
        except InvalidPeriod as exc:
            raise UnprocessableEntity("period", str(exc)) from None
    items, next_cursor = await service.list_snapshots(
        session, owner_id=owner_id, period=period, cursor=cursor, limit=limit, today=today_local(),
    )
    return SnapshotList(items=items, next_cursor=next_cursor)

