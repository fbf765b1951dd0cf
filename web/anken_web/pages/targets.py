"""Targets of a project: lists, a filterable target table (tier and status editable by those who manage
the project), and the import wizard (upload → dry-run preview with per-row errors → commit with a
progress bar). The import screen lists the columns projects-api recognises (its one definition) and
offers its example file; errors arrive as codes and are worded by target_import_wording."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, UploadFile
from starlette.exceptions import HTTPException
from starlette.responses import Response

from anken_common.access import may_manage_project
from anken_common.auth_tokens import Role
from anken_common.logging import get_logger
from anken_web import field_errors
from anken_web.api_client import Api, ApiError, ApiUnavailable, SessionExpired
from anken_web.error_messages import describe
from anken_web.field_errors import Gettext, Refusal
from anken_web.form_values import version_header, whole_number
from anken_web.formatting import parse_datetime
from anken_web.i18n.extraction import N_
from anken_web.pages import target_import_wording as wording
from anken_web.pages.form_refusals import refusals_of
from anken_web.rendering import View, roles
from anken_web.vocabulary import field_label_of, label_of

router = APIRouter(include_in_schema=False)
StaffView = Annotated[View, Depends(roles("director", "manager", "admin"))]
log = get_logger("anken.web.imports")
TARGET_STATUSES = ("new", "callback", "called", "appointment", "excluded", "dnc")
TIERS = (1, 2, 3)
EXAMPLE_KINDS = {"csv": "text/csv; charset=utf-8",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
# What each column's cells must hold, by the format projects-api names (its max_length fills %(max)s).
FORMAT_RULES = {
    "text": N_("Text, at most %(max)s characters"),
    "phone": N_("A Japanese phone number; hyphens, full-width digits and +81 are fine"),
    "corporate_number": N_("13 digits with a valid check digit"),
    "tier": N_("1, 2 or 3 (or A, B, C); empty means 3"),
}


@dataclass(frozen=True)
class Caller:
    """The logged-in user in the shape of anken_common.access's rule."""

    id: str
    role: Role | None
    kind: str = "user"


def may_edit_targets(view: View, project: dict[str, Any]) -> bool:
    """The one access rule (admins and the project's director manage its targets)."""
    role = view.session.role
    caller = Caller(str(view.user.get("id") or ""), Role(role) if role is not None and role in Role.__members__ else None)
    return may_manage_project(caller, director_id=project.get("director_id"))


def column_help(columns: dict[str, Any] | None, _: Gettext) -> list[dict[str, Any]]:
    """The columns projects-api recognises, each with its label and its rule in the user's language."""
    rows = []
    for column in (columns or {}).get("columns", []):
        rule = FORMAT_RULES.get(str(column.get("format")))
        limit = "{:,}".format(column.get("max_length") or 0)
        rows.append({**column, "label": field_label_of(column.get("field"), _),
                     "rule": _(rule, max=limit) if rule else ""})
    return rows


async def lists_context(view: View, project_id: str, list_id: str | None, status: str, q: str, cursor: str) -> dict[str, Any]:
    project, lists_page, columns = await asyncio.gather(
        view.api.get("projects", f"/v1/projects/{project_id}"),
        view.api.get("projects", f"/v1/projects/{project_id}/target-lists", limit=100),
        view.api.try_get("projects", "/v1/target-imports/columns"),
    )
    lists = lists_page.get("items", [])
    chosen = next((tl for tl in lists if str(tl["id"]) == list_id), lists[0] if lists else None)
    targets: dict[str, Any] = {"items": [], "next_cursor": None}
    imports: list[Any] = []
    imports_page: dict[str, Any] | None
    if chosen:
        targets, imports_page = await asyncio.gather(
            view.api.get("projects", f"/v1/target-lists/{chosen['id']}/targets", status=status, q=q, cursor=cursor, limit=50),
            view.api.try_get("projects", f"/v1/target-lists/{chosen['id']}/imports", default={"items": []}),
        )
        imports = (imports_page or {}).get("items", [])
    query = "&".join(f"{k}={v}" for k, v in (("list_id", chosen["id"] if chosen else ""), ("status", status), ("q", q)) if v)
    return {"project": project, "lists": lists, "chosen": chosen, "targets": targets, "imports": imports or [],
            "filters": {"status": status, "q": q, "cursor": cursor}, "statuses": TARGET_STATUSES, "tiers": TIERS,
            "new_list": {}, "new_list_errors": {},
            "next_cursor": targets.get("next_cursor"), "query_without_cursor": query,
            "columns": column_help(columns, view._), "max_bytes": (columns or {}).get("max_bytes"),
            "max_size": wording.megabytes(columns["max_bytes"]) if columns else None,
            "can_edit": may_edit_targets(view, project), "edit_errors": {}, "edit_values": {}}


@router.get("/projects/{project_id}/targets")
async def targets_page(view: StaffView, project_id: str, list_id: str | None = None, status: str = "",
                       q: str = "", cursor: str = "") -> Response:
    context = await lists_context(view, project_id, list_id, status, q, cursor)
    return view.render("projects/targets.html", preview=None, error=None, file_error=None, **context)


# The new-list form's fields → their labels.
NEW_LIST_FIELDS = {"name": N_("List name"), "source": N_("Source")}


@router.get("/targets/import-example.{kind}")
async def import_example(view: StaffView, kind: str) -> Response:
    """projects-api's example file (written from the columns it recognises), as a download."""
    if kind not in EXAMPLE_KINDS:
        raise HTTPException(404)
    response = await view.api.request("projects", "GET", f"/v1/target-imports/example.{kind}", raw=True)
    return Response(response.content, media_type=EXAMPLE_KINDS[kind], headers={
        "Content-Disposition": f'attachment; filename="anken-target-list-example.{kind}"'})


@router.post("/projects/{project_id}/target-lists")
async def create_list(view: StaffView, project_id: str, name: Annotated[str, Form()] = "",
                      source: Annotated[str, Form()] = "") -> Response:
    try:
        created = await view.api.post("projects", f"/v1/projects/{project_id}/target-lists",
                                      json={"name": name, "source": source or None})
    except ApiError as exc:
        errors = refusals_of(exc, view._, NEW_LIST_FIELDS)
        if not errors:
            return view.redirect(f"/projects/{project_id}/targets", error=describe(exc, view._))
        context = await lists_context(view, project_id, None, "", "", "")
        context.update(new_list={"name": name, "source": source}, new_list_errors=errors)
        return view.render("projects/targets.html", status_code=422, preview=None, error=None, file_error=None,
                           **context)
    return view.redirect(f"/projects/{project_id}/targets?list_id={created['id']}",
                         flash=view._("List %(name)s created. Import a file into it next.", name=name))


def render_import_step(view: View, project_id: str, list_id: str, *, status_code: int = 200,
                       **values: Any) -> Response:
    context: dict[str, Any] = {"preview": None, "token": None, "filename": "", "error": None, "file_error": None,
                               "row_problems": [], "max_bytes": None, "max_size": None}
    context.update(values)
    return view.render("projects/import_preview.html", status_code=status_code, project={"id": project_id},
                       list_id=list_id, **context)


@router.post("/projects/{project_id}/targets/{list_id}/preview")
async def preview_import(view: StaffView, project_id: str, list_id: str,
                         file: Annotated[UploadFile | None, File()] = None,
                         max_bytes: Annotated[str, Form()] = "") -> Response:
    """Step 2: a dry run of the file; the file is kept for the commit step. A refused file is said next
    to the file field, in the user's language."""
    content = await file.read() if file is not None else b""
    filename = (file.filename if file is not None else None) or "targets.csv"
    limit = whole_number(max_bytes)
    limits: dict[str, Any] = {"max_bytes": limit, "max_size": wording.megabytes(limit)} if isinstance(limit, int) and limit > 0 else {}
    if not content:
        return render_import_step(view, project_id, list_id, file_error=view._("Choose a CSV or XLSX file first."),
                                  **limits)
    try:
        preview = await view.api.post("projects", f"/v1/target-lists/{list_id}/imports", json=None,
                                      files={"file": (filename, content)}, data={"dry_run": "true"})
    except ApiError as exc:
        sentence = wording.refusal_sentence(exc, view._)
        if sentence:
            return render_import_step(view, project_id, list_id, file_error=sentence, filename=filename, **limits)
        return render_import_step(view, project_id, list_id, error=describe(exc, view._), filename=filename, **limits)
    token = await view.request.app.state.uploads.put(filename, content)
    return render_import_step(view, project_id, list_id, preview=preview, token=token, filename=filename,
                              row_problems=wording.row_problems(preview.get("errors", []), view._), **limits)


@router.get("/projects/{project_id}/targets/{list_id}/imports/{import_id}/errors.csv")
async def import_errors_csv(view: StaffView, project_id: str, list_id: str, import_id: str) -> Response:
    """The row errors of an import (a dry run's too), worded in the user's language, as a CSV."""
    job = await view.api.get("projects", f"/v1/imports/{import_id}")
    problems = wording.row_problems(job.get("errors", []), view._)
    day = (parse_datetime(job.get("created_at")) or datetime.now(UTC)).strftime("%Y%m%d")
    return Response(wording.errors_csv(problems, view._), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="import-errors-{day}.csv"'})


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
        return render_import_step(view, project_id, list_id,
                                  error=view._("The uploaded file has expired. Upload it again."))
    await view.request.app.state.uploads.drop(token)
    task = asyncio.create_task(run_import(view.api, list_id, stored.filename, stored.content))
    background: set[asyncio.Task[None]] = view.request.app.state.background
    background.add(task)
    task.add_done_callback(background.discard)
    since = (datetime.now(UTC) - timedelta(seconds=5)).isoformat()
    return view.render("projects/import_progress.html", project={"id": project_id}, list_id=list_id, job=None,
                       since=since, file_error=None)


@router.get("/projects/{project_id}/targets/{list_id}/progress")
async def import_progress(view: StaffView, project_id: str, list_id: str, since: str = "") -> Response:
    """The newest real import of the list started after `since` (the moment the commit was asked)."""
    jobs = (await view.api.get("projects", f"/v1/target-lists/{list_id}/imports")).get("items", [])
    started = parse_datetime(since)
    job = next((j for j in jobs if not j.get("dry_run")
                and (started is None or (parse_datetime(j.get("created_at")) or started) >= started)), None)
    file_error = wording.file_sentence(job.get("errors", []), view._) if job else None
    return view.render("projects/import_progress.html", project={"id": project_id}, list_id=list_id, job=job,
                       since=since, file_error=file_error)


# Target edits: the form's fields and how a refusal of each is worded.
EDIT_FIELDS = ("priority_tier", "status")


def _edit_locate(api_field: str) -> tuple[str, int | None, str | None] | None:
    name = api_field.rsplit(".", 1)[-1]
    return (name, None, None) if name in EDIT_FIELDS else None


def edit_refusal(exc: ApiError, _: Gettext, target: dict[str, Any]) -> dict[str, str]:
    """Field → sentence for a refused edit of `target`; `form` carries what concerns no single field."""

    def sentence(refusal: Refusal, _: Gettext) -> str:
        label = field_label_of(refusal.field, _)
        if refusal.field == "priority_tier":
            return _("%(label)s: choose 1, 2 or 3.", label=label)
        if not target.get("allowed_statuses"):
            return _("%(label)s: the company is on the do-not-call list; remove it from that list first.",
                     label=label)
        choices = ", ".join(label_of(s, _) for s in target["allowed_statuses"])
        return _("%(label)s: choose one of %(choices)s.", label=label, choices=choices)

    errors = field_errors.field_errors_of(exc, _, _edit_locate, sentence)
    if not errors:
        errors["form"] = (_("Someone else changed this target in the meantime. Reload the page and save again.")
                          if exc.status == 412 else describe(exc, _))
    return errors


@router.post("/projects/{project_id}/targets/{target_id}/update")
async def update_target(view: StaffView, project_id: str, target_id: str,
                        priority_tier: Annotated[str, Form()] = "", status: Annotated[str, Form()] = "",
                        version: Annotated[str, Form()] = "", list_id: Annotated[str, Form()] = "",
                        filter_status: Annotated[str, Form()] = "", q: Annotated[str, Form()] = "",
                        cursor: Annotated[str, Form()] = "") -> Response:
    """Change a target's tier and status; a refusal re-renders the list with what was chosen and a red
    sentence next to the field."""
    target = await view.api.get("projects", f"/v1/targets/{target_id}")
    changes: dict[str, Any] = {}
    tier = whole_number(priority_tier)
    if priority_tier.strip() and tier != target.get("priority_tier"):
        changes["priority_tier"] = tier
    if status.strip() and status != target.get("status"):
        changes["status"] = status
    back = f"/projects/{project_id}/targets?" + urlencode(
        {k: v for k, v in (("list_id", list_id), ("status", filter_status), ("q", q), ("cursor", cursor)) if v})
    if not changes:
        return view.redirect(back, flash=view._("Nothing to change for %(name)s.", name=target.get("company_name")))
    try:
        await view.api.patch("projects", f"/v1/targets/{target_id}", json=changes, headers=version_header(version))
    except ApiError as exc:
        if exc.status not in (409, 412, 422):
            raise
        context = await lists_context(view, project_id, list_id or None, filter_status, q, cursor)
        context["edit_errors"] = {target_id: edit_refusal(exc, view._, target)}
        context["edit_values"] = {target_id: {"priority_tier": priority_tier, "status": status}}
        return view.render("projects/targets.html", status_code=exc.status, preview=None, error=None,
                           file_error=None, **context)
    return view.redirect(back, flash=view._("Saved: %(name)s.", name=target.get("company_name")))
