"""Comments on a published weekly report: the client's voice before the next meeting."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends

from anken_common.auth_tokens import Role
from anken_common.problems import problem_responses
from anken_reporting.auth.access import visible_project
from anken_reporting.auth.dependencies import require_roles
from anken_reporting.auth.principal import Principal
from anken_reporting.db import ResourcesDep, SessionDep
from anken_reporting.report_comments import service
from anken_reporting.report_comments.schemas import CommentIn, CommentList, CommentOut
from anken_reporting.reports.week_param import IsoWeekPath, week_of

router = APIRouter(prefix="/v1/projects/{project_id}/weekly-reports/{iso_week}/comments", tags=["weekly reports"])

# Who reads: the project's client users, its director, managers (admins always); who writes: client users and the
# director. Which project each may reach is anken_common.access's rule (visible_project: a director only their own).
CommentReader = Annotated[Principal, Depends(require_roles(Role.client, Role.director, Role.manager))]
CommentWriter = Annotated[Principal, Depends(require_roles(Role.client, Role.director))]


@router.get(
    "",
    summary="Comments on the week's published report",
    description="Oldest first (the newest last). 404 while nothing is published for the week.",
    response_model=CommentList,
    responses=problem_responses(401, 403, 404, 422),
)
async def list_comments(
    project_id: uuid.UUID, iso_week: IsoWeekPath, session: SessionDep, principal: CommentReader,
) -> CommentList:
    week = week_of(iso_week)
    project = await visible_project(session, principal, project_id)
    return await service.comments(session, project, week)


@router.post(
    "",
    summary="Comment on the week's published report",
    description=("For the client's people and the project's director. 404 while nothing is published for the week. "
                 "A client user's comment emits `weekly_report.commented` (the director hears of it in Slack)."),
    response_model=CommentOut,
    status_code=201,
    responses=problem_responses(401, 403, 404, 422),
)
async def add_comment(
    project_id: uuid.UUID, iso_week: IsoWeekPath, body: CommentIn, session: SessionDep, principal: CommentWriter,
    resources: ResourcesDep,
) -> CommentOut:
    week = week_of(iso_week)
    project = await visible_project(session, principal, project_id)
    return await service.add(session, principal, project, week, body, resources.settings.web_url)
