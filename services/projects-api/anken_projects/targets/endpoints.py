"""Target lists, targets and their imports (CSV / XLSX)."""

from __future__ import annotations

import json
import uuid
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, File, Form, Path, Query, Request, Response, UploadFile

from anken_common.problems import NotFound, UnprocessableEntity, problem_responses
from anken_projects.auth.dependencies import CurrentPrincipal
from anken_projects.db import ResourcesDep, SessionDep
from anken_projects.kit.etag import check_if_match, set_etag
from anken_projects.kit.pagination import CursorQuery, LimitQuery, Page, paginate
from anken_projects.projects.access import get_accessible_project
from anken_projects.targets import service
from anken_projects.targets.access import get_target, get_target_list, project_for_target_writes
from anken_projects.targets.models import TargetImport, TargetStatus
from anken_projects.targets.schemas import (
    ImportReport,
    TargetListCreate,
    TargetListOut,
    TargetListPage,
    TargetListUpdate,
    TargetOut,
    TargetPage,
    TargetUpdate,
)
from anken_projects.targets.target_import import import_targets

# Query text reaches PostgreSQL, which cannot hold NUL characters.
NO_NUL = r"^[^\x00]*$"

router = APIRouter(tags=["targets"])

ProjectID = Annotated[uuid.UUID, Path(description="Project id")]
TargetListID = Annotated[uuid.UUID, Path(description="Target list id")]


@router.post("/v1/projects/{project_id}/target-lists", status_code=201, response_model=TargetListOut,
             summary="Create a target list (アプローチリスト) in a project",
             responses=problem_responses(401, 403, 404, 422))
async def create_target_list(project_id: ProjectID, body: TargetListCreate, principal: CurrentPrincipal,
                             session: SessionDep, response: Response) -> TargetListOut:
    project = await project_for_target_writes(session, principal, project_id)
    target_list = await service.create_target_list(session, principal, project, body)
    set_etag(response, target_list.version)
    return (await service.list_outputs(session, [target_list]))[0]


@router.get("/v1/projects/{project_id}/target-lists", response_model=TargetListPage,
            summary="List a project's target lists, oldest first", responses=problem_responses(401, 403, 404, 422))
async def list_target_lists(project_id: ProjectID, principal: CurrentPrincipal, session: SessionDep,
                            cursor: CursorQuery = None, limit: LimitQuery = 50) -> TargetListPage:
    project = await get_accessible_project(session, principal, project_id)
    page = await service.list_target_lists(session, project, cursor=cursor, limit=limit)
    return TargetListPage(items=await service.list_outputs(session, page.items), next_cursor=page.next_cursor)


@router.get("/v1/target-lists/{list_id}", response_model=TargetListOut, summary="A target list",
            responses=problem_responses(401, 403, 404))
async def get_target_list_route(list_id: TargetListID, principal: CurrentPrincipal, session: SessionDep,
                                response: Response) -> TargetListOut:
    target_list, _ = await get_target_list(session, principal, list_id)
    set_etag(response, target_list.version)
    return (await service.list_outputs(session, [target_list]))[0]


@router.patch("/v1/target-lists/{list_id}", response_model=TargetListOut,
              summary="Rename a target list or change its source (send If-Match to avoid lost updates)",
              responses=problem_responses(401, 403, 404, 412, 422))
async def update_target_list(list_id: TargetListID, body: TargetListUpdate, request: Request,
                             principal: CurrentPrincipal, session: SessionDep, response: Response) -> TargetListOut:
    target_list, _ = await get_target_list(session, principal, list_id, write=True)
    await session.refresh(target_list, with_for_update=True)
    check_if_match(request, target_list.version)
    target_list = await service.update_target_list(session, principal, target_list, body)
    set_etag(response, target_list.version)
    return (await service.list_outputs(session, [target_list]))[0]


@router.get("/v1/target-lists/{list_id}/targets", response_model=TargetPage,
            summary="List the targets of a list, filtered by status, tier, industry, region or text",
            responses=problem_responses(401, 403, 404, 422))
async def list_targets(
    list_id: TargetListID, principal: CurrentPrincipal, session: SessionDep,
    status: Annotated[TargetStatus | None, Query(description="new, called, callback, appointment, excluded, dnc")] = None,
    tier: Annotated[int | None, Query(ge=1, le=3, description="ABM priority tier")] = None,
    industry: Annotated[str | None, Query(max_length=100, pattern=NO_NUL)] = None,
    region: Annotated[str | None, Query(max_length=50, pattern=NO_NUL)] = None,
    q: Annotated[str | None, Query(max_length=200, pattern=NO_NUL, description="Part of the company name or phone; or a 法人番号")] = None,
    cursor: CursorQuery = None, limit: LimitQuery = 50,
) -> TargetPage:
    target_list, _ = await get_target_list(session, principal, list_id)
    page = await service.list_targets(session, target_list, status=status, tier=tier, industry=industry,
                                      region=region, q=q, cursor=cursor, limit=limit)
    return TargetPage(items=await service.target_outputs(session, page.items), next_cursor=page.next_cursor)


@router.get("/v1/targets/{target_id}", response_model=TargetOut, summary="A target",
            responses=problem_responses(401, 403, 404))
async def get_target_route(target_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep,
                           response: Response) -> TargetOut:
    target = await get_target(session, principal, target_id)
    set_etag(response, target.version)
    return (await service.target_outputs(session, [target]))[0]


@router.patch("/v1/targets/{target_id}", response_model=TargetOut,
              summary="Change a target's tier, status (new/callback/excluded), callback time or note",
              responses=problem_responses(401, 403, 404, 412, 422))
async def update_target(target_id: uuid.UUID, body: TargetUpdate, request: Request, principal: CurrentPrincipal,
                        session: SessionDep, response: Response) -> TargetOut:
    target = await get_target(session, principal, target_id, write=True, for_update=True)
    check_if_match(request, target.version)
    target = await service.update_target(session, principal, target, body)
    set_etag(response, target.version)
    return (await service.target_outputs(session, [target]))[0]


def _parse_mapping(raw: str | None) -> dict[str, str] | None:
    if raw is None or not raw.strip():
        return None
    try:
        mapping = json.loads(raw)
    except json.JSONDecodeError:
        raise UnprocessableEntity("mapping", "must be a JSON object such as {\"Company\": \"company_name\"}") from None
    if not isinstance(mapping, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
        raise UnprocessableEntity("mapping", "must be a JSON object of file header → target field")
    return mapping


@router.post(
    "/v1/target-lists/{list_id}/imports", response_model=ImportReport,
    summary="Import targets from CSV (UTF-8 or Shift_JIS/CP932) or XLSX; dry_run reports without writing",
    description=(
        "Multipart form: `file` (CSV or XLSX; headers such as 会社名, 電話番号, 法人番号, 業種, 従業員規模, 地域/都道府県, "
        "優先度 or company_name, phone, corporate_number, industry, size, region, priority_tier are recognised), "
        "`dry_run` (true: validate and report errors and duplicates, write nothing), and optionally `mapping`, a "
        "JSON object `{\"file header\": \"target field\"}`. Duplicates (by 法人番号, else phone, else normalised "
        "company name, within the file and across every list of the project's client) are skipped and reported. "
        "A commit is all or nothing: any row error answers 422 with every error and writes nothing. "
        "Progress of a running import: `GET /v1/imports/{id}`. Partner keys need the scope write:targets."
    ),
    responses=problem_responses(401, 403, 404, 413, 422),
)
async def import_file(
    list_id: TargetListID, principal: CurrentPrincipal, session: SessionDep, resources: ResourcesDep,
    file: Annotated[UploadFile, File(description="CSV or XLSX; the first row names the columns")],
    dry_run: Annotated[bool, Form(description="Validate and report only")] = False,
    mapping: Annotated[str | None, Form(description='JSON: {"file header": "company_name" | "phone" | …}')] = None,
) -> ImportReport:
    target_list, project = await get_target_list(session, principal, list_id, write=True)
    job = await import_targets(session, resources.engine, principal, project, target_list, file.file, file.filename,
                               dry_run=dry_run, mapping=_parse_mapping(mapping))
    return ImportReport.model_validate(job)


@router.get("/v1/target-lists/{list_id}/imports", response_model=Page[ImportReport],
            summary="The imports of a target list, newest first (running ones show their progress)",
            responses=problem_responses(401, 403, 404, 422))
async def list_imports(list_id: TargetListID, principal: CurrentPrincipal, session: SessionDep,
                       cursor: CursorQuery = None, limit: LimitQuery = 50) -> Page[ImportReport]:
    target_list, _ = await get_target_list(session, principal, list_id)
    page = await paginate(session, sa.select(TargetImport).where(TargetImport.target_list_id == target_list.id),
                          (TargetImport.created_at, TargetImport.id), cursor=cursor, limit=limit, descending=True)
    return Page[ImportReport](items=[ImportReport.model_validate(j) for j in page.items], next_cursor=page.next_cursor)


@router.get("/v1/imports/{import_id}", response_model=ImportReport,
            summary="An import job: status and progress (rows processed of total), errors and duplicates",
            responses=problem_responses(401, 403, 404))
async def get_import(import_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> ImportReport:
    job = await session.get(TargetImport, import_id)
    if job is None:
        raise NotFound("import")
    try:
        await get_target_list(session, principal, job.target_list_id)
    except NotFound:
        raise NotFound("import") from None
    return ImportReport.model_validate(job)
