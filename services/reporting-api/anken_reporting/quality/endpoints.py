"""GET /v1/projects/{id}/appointment-quality."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from anken_common.problems import problem_responses
from anken_reporting.auth.access import MEMBER_GROUPING_RULE, check_member_grouping, visible_project
from anken_reporting.auth.dependencies import KpiReader
from anken_reporting.db import SessionDep
from anken_reporting.kit.periods import FromQuery, ToQuery, check_period
from anken_reporting.quality.schemas import QualityGroupBy, QualityResult
from anken_reporting.quality.service import appointment_quality

router = APIRouter(tags=["appointment-quality"])


@router.get(
    "/v1/projects/{project_id}/appointment-quality",
    summary="What became of the appointments set in a period: held, no-show, qualified, deal and won rates",
    description=(
        "DESIGN §3 appointment quality over the appointments set in [from, to) (project-local days): held, "
        "no-show and qualified rates, appointment-to-deal and appointment-to-won rates, each with its 95% Wilson "
        "interval (`<rate>_ci`, null with the rate when its denominator is zero). A client user or partner key "
        "sees its own client's projects only (another's is 404). " + MEMBER_GROUPING_RULE + "; else 403."
    ),
    response_model=QualityResult,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_appointment_quality(
    project_id: uuid.UUID, session: SessionDep, principal: KpiReader, start: FromQuery, end: ToQuery,
    group_by: Annotated[QualityGroupBy | None, Query(description="member: one group per member")] = None,
) -> QualityResult:
    check_period(start, end)
    project = await visible_project(session, principal, project_id)
    check_member_grouping(principal, project, group_by == QualityGroupBy.member)
    return await appointment_quality(session, project_id, start, end, group_by)
