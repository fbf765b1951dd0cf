"""The input limits of what clients send (the weekly report's draft), read from the request
models' own constraints, so the web's counters and messages follow this API."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import RootModel

from anken_common.field_limits import Limits, limits_document
from anken_common.problems import problem_responses
from anken_reporting.auth.dependencies import KpiReader
from anken_reporting.reports.schemas import DraftIn

router = APIRouter(tags=["weekly reports"])

DRAFT_LIMITS, DraftLimits = limits_document(DraftIn, "DraftLimits")


@router.get(
    "/v1/weekly-reports/limits", response_model=DraftLimits, summary="The input limits of a weekly report's draft (from DraftIn's constraints)",
    description="Dotted field paths as in `errors[].field` (`*`: any item of a list) → their limits (`max_length`, "
                "`max_items`, …). Clients show them before a save is refused; the API stays the judge. Served in "
                "every environment (the OpenAPI document may not be).",
    responses=problem_responses(401),
)
async def draft_limits(principal: KpiReader) -> RootModel[Limits]:
    return DraftLimits(DRAFT_LIMITS)
