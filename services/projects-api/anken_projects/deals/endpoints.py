"""/v1/pipelines and /v1/deals: thin routes over deals.service and deals.pipeline_service."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from anken_common.field_limits import field_limits
from anken_common.problems import NotFound, problem_responses
from anken_projects.db import SessionDep
from anken_projects.deals import pipeline_service, service
from anken_projects.deals import repository as repo
from anken_projects.deals.access import (
    DealReader,
    DealWriter,
    PipelineReader,
    PipelineWriter,
    ensure_deal_visible,
    sees_all_deals,
)
from anken_projects.deals.models import DealStatus, ForecastCategory, LeadSource
from anken_projects.deals.schemas import (
    DealChangeOut,
    DealCreate,
    DealOut,
    DealUpdate,
    PipelineCreate,
    PipelineOut,
    PipelineUpdate,
)
from anken_projects.deals.views import change_out, deal_out, pipeline_out
from anken_projects.kit.etag import check_if_match, set_etag
from anken_projects.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page

DEAL_LIMITS = field_limits(DealCreate)

router = APIRouter()
pipelines = APIRouter(prefix="/v1/pipelines", tags=["pipelines"])
deals = APIRouter(prefix="/v1/deals", tags=["deals"])

PipelineID = Annotated[uuid.UUID, Path(description="Pipeline id")]
DealID = Annotated[uuid.UUID, Path(description="Deal id")]


@pipelines.get("", summary="List pipelines with their stages (the default first)", response_model=Page[PipelineOut],
               responses=problem_responses(401, 403))
async def list_pipelines(session: SessionDep, principal: PipelineReader) -> Page[PipelineOut]:
    rows = await repo.list_pipelines(session)
    stages = await repo.stages_of(session, [p.id for p in rows])
    return Page(items=[pipeline_out(p, stages[p.id]) for p in rows], next_cursor=None)


@pipelines.post("", summary="Create a pipeline with ordered stages", status_code=status.HTTP_201_CREATED,
                response_model=PipelineOut, responses=problem_responses(401, 403, 422))
async def create_pipeline(body: PipelineCreate, session: SessionDep, principal: PipelineWriter, response: Response) -> PipelineOut:
    pipeline, stages = await pipeline_service.create_pipeline(session, body, principal)
    set_etag(response, pipeline.version)
    return pipeline_out(pipeline, stages)


@pipelines.get("/{pipeline_id}", summary="One pipeline with its stages", response_model=PipelineOut,
               responses=problem_responses(401, 403, 404, 422))
async def get_pipeline(pipeline_id: PipelineID, session: SessionDep, principal: PipelineReader, response: Response) -> PipelineOut:
    pipeline = await repo.get_pipeline(session, pipeline_id)
    if pipeline is None:
        raise NotFound("pipeline")
    set_etag(response, pipeline.version)
    return pipeline_out(pipeline, (await repo.stages_of(session, [pipeline.id]))[pipeline.id])


@pipelines.patch("/{pipeline_id}", summary="Rename a pipeline or replace its stage list (If-Match supported)",
                 response_model=PipelineOut, responses=problem_responses(401, 403, 404, 409, 412, 422))
async def update_pipeline(pipeline_id: PipelineID, body: PipelineUpdate, request: Request, session: SessionDep,
                          principal: PipelineWriter, response: Response) -> PipelineOut:
    pipeline = await repo.get_pipeline(session, pipeline_id)
    if pipeline is None:
        raise NotFound("pipeline")
    check_if_match(request, pipeline.version)
    pipeline, stages = await pipeline_service.update_pipeline(session, pipeline, body, principal)
    set_etag(response, pipeline.version)
    return pipeline_out(pipeline, stages)


@deals.get("", summary="List deals (directors see their own)", response_model=Page[DealOut],
           responses=problem_responses(401, 403, 422))
async def list_deals(
    session: SessionDep,
    principal: DealReader,
    owner_id: uuid.UUID | None = None,
    pipeline_id: uuid.UUID | None = None,
    stage_id: uuid.UUID | None = None,
    status_: Annotated[DealStatus | None, Query(alias="status")] = None,
    forecast_category: ForecastCategory | None = None,
    lead_source: LeadSource | None = None,
    client_id: uuid.UUID | None = None,
    close_from: Annotated[date | None, Query(description="expected_close_date ≥ this (inclusive)")] = None,
    close_to: Annotated[date | None, Query(description="expected_close_date < this (exclusive)")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[DealOut]:
    if not sees_all_deals(principal):
        if owner_id is not None and owner_id != principal.id:
            return Page(items=[], next_cursor=None)
        owner_id = principal.id  # type: ignore[assignment]
    filters = repo.DealFilters(
        owner_id=owner_id, pipeline_id=pipeline_id, stage_id=stage_id, status=status_, forecast_category=forecast_category,
        lead_source=lead_source, client_id=client_id, close_from=close_from, close_to=close_to,
    )
    page = await repo.list_deals(session, filters, cursor=cursor, limit=limit)
    stages = await repo.get_stages(session, [d.stage_id for d in page.items])
    return Page(items=[deal_out(d, stages[d.stage_id]) for d in page.items], next_cursor=page.next_cursor)


@deals.post("", summary="Create a deal", status_code=status.HTTP_201_CREATED, response_model=DealOut,
            responses=problem_responses(401, 403, 409, 422))
async def create_deal(body: DealCreate, session: SessionDep, principal: DealWriter, response: Response) -> DealOut:
    deal, stage = await service.create_deal(session, body, principal)
    set_etag(response, deal.version)
    return deal_out(deal, stage)


@deals.get(
    "/limits", summary="The input limits of a deal (from DealCreate's own constraints)",
    description="Dotted field paths as in `errors[].field` → their limits (`max_length`, `minimum`, `maximum`, …). "
                "Clients show them before a deal is refused; the API stays the judge. DealUpdate has the same limits.",
    responses=problem_responses(401, 403),
)
async def deal_limits(_principal: DealReader) -> dict[str, dict[str, int | float]]:
    return DEAL_LIMITS


@deals.get("/{deal_id}", summary="One deal (ETag for If-Match)", response_model=DealOut,
           responses=problem_responses(401, 403, 404, 422))
async def get_deal(deal_id: DealID, session: SessionDep, principal: DealReader, response: Response) -> DealOut:
    deal = ensure_deal_visible(principal, await repo.get_deal(session, deal_id))
    stage = await repo.get_stage(session, deal.stage_id)
    set_etag(response, deal.version)
    return deal_out(deal, stage)  # type: ignore[arg-type]


@deals.patch(
    "/{deal_id}",
    summary="Change a deal: stage (exit criteria), amount, probability, forecast category, dates, MEDDICC",
    description="Send `If-Match` with the ETag you read to get 412 instead of overwriting someone else's change. "
                "Moving forward past stages that have exit criteria needs `exit_criteria_confirmed: true`; "
                "otherwise 422 naming `exit_criteria_confirmed` lists them in `exit_criteria`.",
    response_model=DealOut,
    responses=problem_responses(401, 403, 404, 412, 422),
)
async def update_deal(deal_id: DealID, body: DealUpdate, request: Request, session: SessionDep, principal: DealWriter,
                      response: Response) -> DealOut:
    deal = ensure_deal_visible(principal, await repo.get_deal(session, deal_id, for_update=True))
    check_if_match(request, deal.version)
    deal, stage = await service.update_deal(session, deal, body, principal)
    set_etag(response, deal.version)
    return deal_out(deal, stage)


@deals.get("/{deal_id}/history", summary="Every tracked change of a deal, oldest first", response_model=Page[DealChangeOut],
           responses=problem_responses(401, 403, 404, 422))
async def deal_history(deal_id: DealID, session: SessionDep, principal: DealReader, cursor: CursorQuery = None,
                       limit: LimitQuery = DEFAULT_LIMIT) -> Page[DealChangeOut]:
    ensure_deal_visible(principal, await repo.get_deal(session, deal_id))
    page = await repo.list_changes(session, deal_id, cursor=cursor, limit=limit)
    names = await repo.names_for_history(session, page.items)
    return Page(items=[change_out(c, names) for c in page.items], next_cursor=page.next_cursor)


router.include_router(pipelines)
router.include_router(deals)
