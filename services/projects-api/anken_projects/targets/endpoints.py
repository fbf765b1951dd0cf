"""Target lists, targets and their imports (CSV / XLSX)."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, File, Form, Header, Path, Query, Request, Response, UploadFile
from fastapi.responses import JSONResponse
from sqlmodel import col

from anken_common.problems import Conflict, NotFound, ProblemError, UnprocessableEntity, problem_responses
from anken_projects.auth.dependencies import CurrentPrincipal
from anken_projects.auth.principal import Principal
from anken_projects.db import Resources, ResourcesDep, SessionDep
from anken_projects.kit.etag import check_if_match, set_etag
from anken_projects.kit.pagination import CursorQuery, LimitQuery, Page, paginate
from anken_projects.projects.access import get_accessible_project
from anken_projects.targets import import_example, import_jobs, service
from anken_projects.targets.access import get_target, get_target_list, project_for_target_writes
from anken_projects.targets.import_columns import COLUMNS
from anken_projects.targets.import_limits import MAX_MAPPING_CHARS, MAX_MAPPING_ENTRIES
from anken_projects.targets.import_upload import FileTooLarge, copy_upload
from anken_projects.targets.models import ImportStatus, TargetImport, TargetStatus
from anken_projects.targets.schemas import (
    ImportColumnOut,
    ImportColumnsOut,
    ImportReport,
    TargetListCreate,
    TargetListOut,
    TargetListPage,
    TargetListUpdate,
    TargetOut,
    TargetPage,
    TargetUpdate,
)
from anken_projects.targets.target_import import ImportScope, import_limits, start_import

# Query text reaches PostgreSQL, which cannot hold NUL characters.
NO_NUL = r"^[^\x00]*$"

# How often a waiting upload looks whether its client is still there.
WAIT_POLL_S = 0.5

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
    """The optional `mapping` form field: a small flat JSON object, bounded before it is parsed."""
    if raw is None or not raw.strip():
        return None
    if len(raw) > MAX_MAPPING_CHARS:
        raise UnprocessableEntity("mapping", f"must be at most {MAX_MAPPING_CHARS:,} characters")
    try:
        mapping = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nesting deeper than the parser's stack
        raise UnprocessableEntity("mapping", "must be a JSON object such as {\"Company\": \"company_name\"}") from None
    if not isinstance(mapping, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
        raise UnprocessableEntity("mapping", "must be a flat JSON object of file header → target field")
    if len(mapping) > MAX_MAPPING_ENTRIES:
        raise UnprocessableEntity("mapping", f"must have at most {MAX_MAPPING_ENTRIES} entries")
    return mapping


async def _import_scope(resources: Resources, principal: Principal, list_id: uuid.UUID, *,
                        write: bool) -> ImportScope:
    """The access check on its own short transaction: none stays open while a file is read."""
    async with resources.sessionmaker() as session, session.begin():
        target_list, project = await get_target_list(session, principal, list_id, write=write)
        return ImportScope(target_list.id, project.id, project.client_id, target_list.name)


async def _load_job(resources: Resources, import_id: uuid.UUID) -> TargetImport:
    async with resources.sessionmaker() as session:
        job = await session.get(TargetImport, import_id)
    if job is None:
        raise NotFound("import")
    return job


async def _wait_for(task: asyncio.Task[None], job_id: uuid.UUID, request: Request, resources: Resources) -> None:
    """Wait for the job; a client that goes away takes its job with it (no CPU burnt for nobody)."""
    gone = "the client went away before the import finished"
    try:
        while not task.done():
            await asyncio.wait({task}, timeout=WAIT_POLL_S)
            if not task.done() and await request.is_disconnected():
                await import_jobs.cancel_job(resources.engine, job_id, gone)
                return
    except asyncio.CancelledError:
        await asyncio.shield(import_jobs.cancel_job(resources.engine, job_id, gone))
        raise


def _outcome(job: TargetImport) -> ImportReport:
    """The finished job as the answer of a waiting upload: 200, or the problem that ended it."""
    report = ImportReport.model_validate(job)
    if report.status == ImportStatus.succeeded:
        return report
    if report.status == ImportStatus.cancelled:
        raise Conflict(report.reason or "the import was cancelled", import_id=str(job.id))
    if report.reason is not None:
        # The file-level error names its field: `file`, or `mapping` when the mapping does not fit the file.
        raise ProblemError(422, "Unprocessable Content", report.reason,
                           type_="https://anken.jp/problems/import-rejected", import_id=str(job.id),
                           errors=[{"field": e.field, "message": e.message, "code": e.code, "params": e.params}
                                   for e in report.errors if e.row is None])
    raise ProblemError(
        422, "Unprocessable Content",
        f"{job.error_count} row(s) have errors; nothing was imported. Fix them and upload again.",
        type_="https://anken.jp/problems/import-rejected", import_id=str(job.id),
        errors=job.errors, duplicates=job.duplicates,
    )


@router.post(
    "/v1/target-lists/{list_id}/imports", response_model=ImportReport,
    summary="Import targets from CSV (UTF-8 or Shift_JIS/CP932) or XLSX; dry_run reports without writing",
    description=(
        "Multipart form: `file` (CSV or XLSX; headers such as 会社名, 電話番号, 法人番号, 業種, 従業員規模, 地域/都道府県, "
        "優先度 or company_name, phone, corporate_number, industry, size, region, priority_tier are recognised), "
        "`dry_run` (true: validate and report errors and duplicates, write nothing), and optionally `mapping`, a "
        "JSON object `{\"file header\": \"target field\"}`. Duplicates (by 法人番号, else phone, else normalised "
        "company name, within the file and across every list of the project's client) are skipped and reported. "
        "A commit is all or nothing: any row error answers 422 with every error and writes nothing.\n\n"
        "Each error carries `row`, `field` and an English `message`, plus `code` (the rule broken, for clients "
        "that word it themselves), `column` (the header as written in the file) and `params` (e.g. `{\"max\": "
        "200}`). `GET /v1/target-imports/columns` lists the recognised headers; "
        "`GET /v1/target-imports/example.csv` (or `.xlsx`) is a file that imports cleanly.\n\n"
        "Limits (settings `IMPORT_MAX_ROWS`, `IMPORT_MAX_BYTES`, `IMPORT_MAX_COLUMNS`, `IMPORT_WALL_TIME_S`): "
        "50,000 rows below the header, 20 MiB (413 above), 200 columns, 300 s of work by default. An XLSX is "
        "inspected before it is read (a part inflating more than 100× or past 100 MiB is refused) and its declared "
        "dimension is never trusted; its shared strings are bounded too (`IMPORT_MAX_SHARED_STRINGS`, "
        "`IMPORT_MAX_SHARED_STRINGS_BYTES`, `IMPORT_MAX_SHARED_STRING_CHARS`: 1,000,000 entries, 32 MiB, "
        "16,000,000 characters). Any unreadable file or limit answers 422 with `errors[].field` = `file` (or "
        "`mapping`) and a message naming the row, cell or part. The request only receives the file: all reading "
        "happens in the job, so a cancel and the wall time cover all of it.\n\n"
        "One process runs at most `IMPORT_MAX_CONCURRENT` imports at once (2 by default; the files are read on "
        "`IMPORT_PARSE_THREADS` threads of their own). Further imports are accepted and wait with status "
        "`queued`, first come first served, then run; the wall time counts from the upload, queued time "
        "included. No 429 is answered for it.\n\n"
        "The import runs as a job. By default the request waits for it (a client that disconnects cancels it); "
        "with `Prefer: respond-async` it answers 202 at once with the running job and its `Location`: follow its "
        "progress with `GET /v1/imports/{id}` and cancel it with `DELETE /v1/imports/{id}`. A job past its wall "
        "time ends `failed` with its `reason`. Partner keys need the scope write:targets."
    ),
    responses={**problem_responses(401, 403, 404, 409, 413, 422), 202: {
        "description": "With `Prefer: respond-async`: the job, running (or queued); `Location` names it",
        "content": {"application/json": {"example": {
            "id": "2c3d4e5f-6071-4829-9b0c-1d2e3f4a5b6c", "status": "running", "rows_total": 40000,
            "rows_processed": 0}}}}},
)
async def import_file(
    list_id: TargetListID, principal: CurrentPrincipal, resources: ResourcesDep, request: Request,
    file: Annotated[UploadFile, File(description="CSV or XLSX; the first row names the columns")],
    dry_run: Annotated[bool, Form(description="Validate and report only")] = False,
    mapping: Annotated[str | None, Form(description='JSON: {"file header": "company_name" | "phone" | …}')] = None,
    prefer: Annotated[str | None, Header(description="`respond-async`: answer 202 at once with the running job")] = None,
) -> ImportReport | JSONResponse:
    scope = await _import_scope(resources, principal, list_id, write=True)
    limits = import_limits(resources.settings)
    if file.size is not None and file.size > limits.max_bytes:
        raise FileTooLarge(limits.max_bytes)
    copied = await copy_upload(file.file, file.filename, limits, _parse_mapping(mapping))
    job_id, task = await start_import(resources, principal, scope, copied, file.filename, dry_run=dry_run)
    if prefer and "respond-async" in prefer.lower():
        job = await _load_job(resources, job_id)
        return JSONResponse(ImportReport.model_validate(job).model_dump(mode="json"), status_code=202,
                            headers={"Location": f"/v1/imports/{job_id}", "Preference-Applied": "respond-async"})
    await _wait_for(task, job_id, request, resources)
    return _outcome(await _load_job(resources, job_id))


@router.get("/v1/target-lists/{list_id}/imports", response_model=Page[ImportReport],
            summary="The imports of a target list, newest first (running ones show their progress)",
            responses=problem_responses(401, 403, 404, 422))
async def list_imports(list_id: TargetListID, principal: CurrentPrincipal, session: SessionDep,
                       cursor: CursorQuery = None, limit: LimitQuery = 50) -> Page[ImportReport]:
    target_list, _ = await get_target_list(session, principal, list_id)
    page = await paginate(session, sa.select(TargetImport).where(col(TargetImport.target_list_id) == target_list.id),
                          (col(TargetImport.created_at), col(TargetImport.id)), cursor=cursor, limit=limit, descending=True)
    return Page[ImportReport](items=[ImportReport.model_validate(j) for j in page.items], next_cursor=page.next_cursor)


async def _visible_job(resources: Resources, principal: Principal, import_id: uuid.UUID, *,
                       write: bool = False) -> TargetImport:
    job = await _load_job(resources, import_id)
    try:
        await _import_scope(resources, principal, job.target_list_id, write=write)
    except NotFound:
        raise NotFound("import") from None
    return job


@router.get("/v1/imports/{import_id}", response_model=ImportReport,
            summary="An import job: status and progress (rows processed of total), errors and duplicates",
            description="`status`: queued (waiting for one of the process's import slots), running, succeeded, "
                        "failed or cancelled; `reason` says why a job ended "
                        "without row errors (cancelled, a limit, an unreadable part of the file).",
            responses=problem_responses(401, 403, 404))
async def get_import(import_id: uuid.UUID, principal: CurrentPrincipal, resources: ResourcesDep) -> ImportReport:
    job = await _visible_job(resources, principal, import_id)
    if await import_jobs.expire_if_stale(resources.engine, job, resources.settings.import_wall_time_s):
        job = await _load_job(resources, import_id)
    return ImportReport.model_validate(job)


@router.delete("/v1/imports/{import_id}", response_model=ImportReport,
               summary="Cancel a queued or running import: it stops at its next row and writes nothing",
               description="Answers the job, now `cancelled`. 409 when it has already finished. Admins, the "
                           "project's director and partner keys with write:targets may cancel.",
               responses=problem_responses(401, 403, 404, 409))
async def cancel_import(import_id: uuid.UUID, principal: CurrentPrincipal, resources: ResourcesDep) -> ImportReport:
    job = await _visible_job(resources, principal, import_id, write=True)
    if not await import_jobs.cancel_job(resources.engine, job.id, "the import was cancelled by a user"):
        job = await _load_job(resources, import_id)
        raise Conflict(f"the import has already finished ({job.status})", import_status=str(job.status))
    return ImportReport.model_validate(await _load_job(resources, import_id))


@router.get("/v1/target-imports/columns", response_model=ImportColumnsOut,
            summary="The columns an import recognises: Japanese and English headers, required or not, an example",
            responses=problem_responses(401))
async def import_columns(principal: CurrentPrincipal, resources: ResourcesDep) -> ImportColumnsOut:
    limits = import_limits(resources.settings)
    return ImportColumnsOut(
        columns=[ImportColumnOut(field=c.field.value, japanese_headers=list(c.japanese), english_headers=list(c.english),
                                 required=c.required, format=c.value_format.value, max_length=c.max_length,
                                 example=c.examples[0]) for c in COLUMNS],
        max_bytes=limits.max_bytes, max_rows=limits.max_rows, max_columns=limits.max_columns)


EXAMPLE_TYPES = {
    "csv": ("text/csv; charset=utf-8", import_example.example_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", import_example.example_xlsx),
}


@router.get("/v1/target-imports/example.{kind}",
            summary="An example target file (every recognised column, Japanese headers, two rows)",
            description="`kind`: `csv` (UTF-8 with BOM) or `xlsx`. The file imports cleanly as it is.",
            responses={**problem_responses(401, 404), 200: {"content": {
                "text/csv": {"example": "会社名,電話番号,法人番号,…\r\n株式会社サンプル製作所,03-1234-5678,…"},
                EXAMPLE_TYPES["xlsx"][0]: {}}}})
async def import_example_file(kind: str, principal: CurrentPrincipal) -> Response:
    if kind not in EXAMPLE_TYPES:
        raise NotFound("example file")
    media_type, build = EXAMPLE_TYPES[kind]
    return Response(build(), media_type=media_type, headers={
        "Content-Disposition": f'attachment; filename="{import_example.FILENAME}.{kind}"'})
