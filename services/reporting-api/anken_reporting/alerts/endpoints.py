"""Member pace alerts: list and acknowledge."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from anken_common.problems import NotFound, problem_responses
from anken_reporting.alerts import cursor, repository
from anken_reporting.alerts.schemas import AcknowledgeRequest, AlertPage, AlertStatus, PaceAlert
from anken_reporting.auth.access import filter_visible, visible_project
from anken_reporting.auth.dependencies import DirectorOrManager, UserReader
from anken_reporting.db import SessionDep
from anken_reporting.kit.models import utc_now
from anken_reporting.kpis.repository import projects_where

router = APIRouter(tags=["alerts"])


@router.get(
    "/v1/alerts",
    summary="Member pace alerts, newest first",
    response_model=AlertPage,
    responses=problem_responses(401, 403, 404, 422),
)
async def list_alerts(
    session: SessionDep, principal: UserReader,
    project_id: Annotated[uuid.UUID | None, Query(description="one project; default every project you can see")] = None,
    status: Annotated[AlertStatus | None, Query(description="open or acknowledged; default both")] = None,
    limit: Annotated[int, Query(ge=1, le=500, description="page size")] = 50,
    cursor_: Annotated[str | None, Query(alias="cursor", max_length=512, description="`next_cursor` of the previous page")] = None,
) -> AlertPage:
    after = cursor.decode(cursor_)
    if project_id is not None:
        await visible_project(session, principal, project_id)
        ids: list[uuid.UUID] | None = [project_id]
    elif principal.sees_everything:
        ids = None
    else:
        ids = [p["id"] for p in await filter_visible(session, principal, await projects_where(session))]
    rows = await repository.list_alerts(session, ids, status, after, limit + 1)
    items = [PaceAlert(**row) for row in rows[:limit]]
    next_cursor = cursor.encode(items[-1].raised_at, items[-1].id) if len(rows) > limit else None
    return AlertPage(items=items, next_cursor=next_cursor)


@router.post(
    "/v1/alerts/{alert_id}/acknowledge",
    summary="Acknowledge an alert (idempotent); it leaves the open list",
    response_model=PaceAlert,
    responses=problem_responses(401, 403, 404, 422),
)
async def acknowledge_alert(alert_id: uuid.UUID, session: SessionDep, principal: DirectorOrManager,
                            body: AcknowledgeRequest | None = None) -> PaceAlert:
    alert = await repository.get_alert(session, alert_id)
    if alert is None:
        raise NotFound("alert")
    await visible_project(session, principal, alert["project_id"])
    if alert["status"] == AlertStatus.acknowledged:
        return PaceAlert(**alert)
    by = str(principal.id)
    if principal.kind == "service" and body is not None and body.acknowledged_by:
        by = f"{principal.id}:{body.acknowledged_by}"[:64]
    return PaceAlert(**await repository.acknowledge(session, alert_id, by, utc_now()))
