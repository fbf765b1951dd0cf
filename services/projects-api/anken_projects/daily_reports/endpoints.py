"""/v1/projects/{id}/daily-reports: the members' end-of-day reports (日報)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from anken_common.problems import problem_responses
from anken_projects.auth.dependencies import UserOnly
from anken_projects.daily_reports import service
from anken_projects.daily_reports.schemas import DailyReportOut, DailyReportPut
from anken_projects.db import SessionDep
from anken_projects.kit.etag import set_etag
from anken_projects.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from anken_projects.projects.dependencies import ReadableProject

router = APIRouter(prefix="/v1/projects/{project_id}", tags=["daily-reports"])


@router.put("/daily-reports/{member_id}/{day}", summary="Submit a member's end-of-day report (upsert)",
            description="Replaces the member's report for the day and sets that day's worked hours to `hours`. "
                        "Sending the same report again changes nothing but the version. A member reports only for "
                        "themself, on a project they are assigned to, and not for a future day (422 naming `day`).",
            response_model=DailyReportOut, responses=problem_responses(401, 403, 404, 422))
async def put_daily_report(
    project: ReadableProject, member_id: uuid.UUID, day: date, body: DailyReportPut, principal: UserOnly,
    session: SessionDep, response: Response,
) -> DailyReportOut:
    row = await service.put_daily_report(session, principal, project, member_id, day, body)
    set_etag(response, row.version)
    return DailyReportOut.model_validate(row)


@router.get("/daily-reports", summary="End-of-day reports, newest day first (members see their own)",
            response_model=Page[DailyReportOut], responses=problem_responses(401, 403, 404, 422))
async def list_daily_reports(
    project: ReadableProject, principal: UserOnly, session: SessionDep,
    day: Annotated[date | None, Query(description="Only this day", examples=["2026-11-20"])] = None,
    member_id: Annotated[uuid.UUID | None, Query(description="Only this member")] = None,
    cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[DailyReportOut]:
    page = await service.list_daily_reports(session, principal, project, member_id=member_id, day=day, cursor=cursor,
                                            limit=limit)
    return Page[DailyReportOut](items=[DailyReportOut.model_validate(r) for r in page.items],
                                next_cursor=page.next_cursor)
