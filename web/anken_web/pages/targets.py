"""Targets of a project: lists, a filterable target table, and the import wizard
(upload → dry-run preview with per-row errors → commit with a progress bar)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, UploadFile
from starlette.responses import Response

from anken_common.logging import get_logger
from anken_web.api_client import Api, ApiError, ApiUnavailable, SessionExpired
from anken_web.error_messages import describe
from anken_web.formatting import parse_datetime
from anken_web.i18n.extraction import N_
from anken_web.rendering import View, roles

router = APIRouter(include_in_schema=False)
StaffView = Annotated[View, Depends(roles("director", "manager", "admin"))]
log = get_logger("anken.web.imports")
TARGET_STATUSES = (N_("new"), N_("callback"), N_("called"), N_("appointment"), N_("excluded"), N_("dnc"))


async def lists_context(view: View, project_id: str, list_id: str | None, status: str, q: str, cursor: str) -> dict:
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    lists = (await view.api.get("projects", f"/v1/projects/{project_id}/target-lists", limit=100)).get("items", [])
    chosen = next((tl for tl in lists if str(tl["id"]) == list_id), lists[0] if lists else None)
    targets: dict = {"items": [], "next_cursor": None}
    imports: list = []
    if chosen:
        targets, imports = await asyncio.gather(
            view.api.get("projects", f"/v1/target-lists/{chosen['id']}/targets", status=status, q=q, cursor=cursor, limit=50),
            view.api.try_get("projects", f"/v1/target-lists/{chosen['id']}/imports", default={"items": []}),
        )
        imports = (imports or {}).get("items", [])
    query = "&".join(f"{k}={v}" for k, v in (("list_id", chosen["id"] if chosen else ""), ("status", status), ("q", q)) if v)
    return {"project": project, "lists": lists, "chosen": chosen, "targets": targets, "imports": imports or [],
            "filters": {"status": status, "q": q}, "statuses": TARGET_STATUSES,
            "next_cursor": targets.get("next_cursor"), "query_without_cursor": query}


@router.get("/projects/{project_id}/targets")
async def targets_page(view: StaffView, project_id: str, list_id: str | None = None, status: str = "",
                       q: str = "", cursor: str = "") -> Response:
    context = await lists_context(view, project_id, list_id, status, q, cursor)
    return view.render("projects/targets.html", preview=None, error=None, **context)


@router.post("/projects/{project_id}/target-lists")
async def create_list(view: StaffView, project_id: str, name: Annotated[str, Form()] = "",
                      source: Annotated[str, Form()] = "") -> Response:
    try:
        created = await view.api.post("projects", f"/v1/projects/{project_id}/target-lists",
                                      json={"name": name, "source": source or None})
    except ApiError as exc:
        return view.redirect(f"/projects/{project_id}/targets", flash=describe(exc, view._))
    return view.redirect(f"/projects/{project_id}/targets?list_id={created['id']}",
                         flash=view._("List %(name)s created. Import a file into it next.", name=name))


@router.post("/projects/{project_id}/targets/{list_id}/preview")
async def preview_import(view: StaffView, project_id: str, list_id: str,
                         file: Annotated[UploadFile, File()]) -> Response:
    """Step 2: a dry run of the file; the file is kept for the commit step."""
    content = await file.read()
    filename = file.filename or "targets.csv"
    error = None
    preview = token = None
    if not content:
        error = view._("Choose a CSV or XLSX file first.")
    else:
        try:
            preview = await view.api.post("projects", f"/v1/target-lists/{list_id}/imports", json=None,
                                          files={"file": (filename, content)}, data={"dry_run": "true"})
            token = await view.request.app.state.uploads.put(filename, content)
        except ApiError as exc:
            error = describe(exc, view._)
    return view.render("projects/import_preview.html", project={"id": project_id}, list_id=list_id,
                       preview=preview, token=token, filename=filename, error=error)


async def run_import(api: Api, list_id: str, filename: str, content: bytes) -> None:
    try:
        # respond-async: the job runs on in projects-api after the upload (a waiting upload whose
        # client times out would cancel its job).
        await api.post("projects", f"/v1/target-lists/{list_id}/imports", json=None,
                       files={"file": (filename, content)}, data={"dry_run": "false"},
                       headers={"Prefer": "respond-async"})
    except (ApiError, ApiUnavailable, SessionExpired) as exc:
        # The import job itself records its errors; the progress view shows them.
        log.warning("target_import_failed", list_id=list_id, error=str(exc))


@router.post("/projects/{project_id}/targets/{list_id}/commit")
async def commit_import(view: StaffView, project_id: str, list_id: str, token: Annotated[str, Form()]) -> Response:
    """Step 3: start the real import and answer at once with a progress bar that polls."""
    stored = await view.request.app.state.uploads.get(token)
    if stored is None:
        return view.render("projects/import_preview.html", project={"id": project_id}, list_id=list_id,
                           preview=None, token=None, filename="",
                           error=view._("The uploaded file has expired. Upload it again."))
    await view.request.app.state.uploads.drop(token)
    task = asyncio.create_task(run_import(view.api, list_id, stored.filename, stored.content))
    background: set = view.request.app.state.background
    background.add(task)
    task.add_done_callback(background.discard)
    since = (datetime.now(UTC) - timedelta(seconds=5)).isoformat()
    return view.render("projects/import_progress.html", project={"id": project_id}, list_id=list_id, job=None,
                       since=since)


@router.get("/projects/{project_id}/targets/{list_id}/progress")
async def import_progress(view: StaffView, project_id: str, list_id: str, since: str = "") -> Response:
    """The newest real import of the list started after `since` (the moment the commit was asked)."""
    jobs = (await view.api.get("projects", f"/v1/target-lists/{list_id}/imports")).get("items", [])
    started = parse_datetime(since)
    job = next((j for j in jobs if not j.get("dry_run")
                and (started is None or (parse_datetime(j.get("created_at")) or started) >= started)), None)
    return view.render("projects/import_progress.html", project={"id": project_id}, list_id=list_id, job=job,
                       since=since)
