"""GET /v1/projects/{id}/ab-test."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from anken_common.problems import problem_responses
from anken_reporting.abtest.schemas import AbTestResult
from anken_reporting.abtest.service import ab_test
from anken_reporting.auth.access import visible_project
from anken_reporting.auth.dependencies import KpiReader
from anken_reporting.db import SessionDep
from anken_reporting.kit.periods import FromQuery, ToQuery, check_period

router = APIRouter(tags=["ab-test"])


@router.get(
    "/v1/projects/{project_id}/ab-test",
    summary="A/B script comparison: Wilson intervals, pooled z-test of pattern A vs B, winner rule",
    response_model=AbTestResult,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_ab_test(project_id: uuid.UUID, session: SessionDep, principal: KpiReader,
                      start: FromQuery, end: ToQuery) -> AbTestResult:
    check_period(start, end)
    await visible_project(session, principal, project_id)
    return await ab_test(session, project_id, start, end)
