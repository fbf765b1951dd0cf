"""Talk scripts of a project: patterns A and B (optionally per industry), every edit a new
version, rollback to an earlier one. The A/B statistics live on the project page."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from anken_web.api_client import ApiError
from anken_web.error_messages import describe
from anken_web.form_values import form_of
from anken_web.i18n.extraction import N_
from anken_web.input_limits import input_limits
from anken_web.pages.form_refusals import banner, limits_under, refusals_of
from anken_web.rendering import View, roles

router = APIRouter(include_in_schema=False)
StaffView = Annotated[View, Depends(roles("director", "manager", "admin"))]
EditorView = Annotated[View, Depends(roles("director", "admin"))]
# A script's limits (projects-api `GET /v1/projects/limits`, under `script.`).
SCRIPT_LIMITS = ("projects", "/v1/projects/limits")
# The script forms' fields → their labels.
NEW_SCRIPT_FIELDS = {"pattern": N_("Pattern"), "industry": N_("Industry (optional, for an industry variant)"),
                     "title": N_("Title"), "body": N_("Script")}
VERSION_FIELDS = {"title": N_("Title"), "body": N_("Script")}


@router.get("/projects/{project_id}/scripts")
async def scripts_page(view: StaffView, project_id: str, script_id: str = "") -> Response:
    return await render_scripts(view, project_id, script_id)


async def render_scripts(view: View, project_id: str, script_id: str = "", *, form: dict[str, Any] | None = None,
                         field_errors: dict[str, str] | None = None, error: str | None = None,
                         refused: str = "", status_code: int = 200) -> Response:
    """The scripts page; `refused` ("new" or "version"): the form that was refused, shown again with `form`
    (what was typed) and `field_errors` (the sentences next to its fields)."""
    limits = limits_under(await input_limits(view, SCRIPT_LIMITS), "script.")
    project, scripts = await asyncio.gather(
        view.api.get("projects", f"/v1/projects/{project_id}"),
        view.api.get("projects", f"/v1/projects/{project_id}/scripts"),
    )
    chosen = next((s for s in scripts.get("items", []) if s["id"] == script_id), None)
    versions = []
    if chosen:
        versions = (await view.api.get("projects", f"/v1/projects/{project_id}/scripts/{chosen['id']}/versions",
                                       limit=50)).get("items", [])
    return view.render("projects/scripts.html", status_code=status_code, project=project,
                       scripts=scripts.get("items", []), chosen=chosen, versions=versions,
                       attempt=(form or {}).get("attempt") or uuid.uuid4().hex, form=form or {}, refused=refused,
                       field_errors=field_errors or {}, error=error, body_limit=limits.max_length("body"))


async def _refused(view: View, project_id: str, script_id: str, exc: ApiError, form: dict[str, Any], refused: str,
                   labels: dict[str, str]) -> Response:
    """A refused script form: the page again, what was typed kept, each refusal next to its field."""
    limits = limits_under(await input_limits(view, SCRIPT_LIMITS), "script.")
    errors = refusals_of(exc, view._, labels, limits=limits)
    return await render_scripts(view, project_id, script_id, form=form, field_errors=errors, refused=refused,
                                error=banner(exc, errors, view._),
                                status_code=exc.status if exc.status in (403, 404, 409, 422) else 502)


@router.post("/projects/{project_id}/scripts")
async def create_script(view: EditorView, project_id: str, request: Request) -> Response:
    form = await form_of(request)
    body = {"pattern": form.get("pattern", "A"), "title": form.get("title", "").strip(), "body": form.get("body", "")}
    if form.get("industry", "").strip():
        body["industry"] = form["industry"].strip()
    try:
        await view.api.post("projects", f"/v1/projects/{project_id}/scripts", json=body)
    except ApiError as exc:
        return await _refused(view, project_id, "", exc, form, "new", NEW_SCRIPT_FIELDS)
    return view.redirect(f"/projects/{project_id}/scripts", flash=view._("Script %(title)s added.", title=body["title"]))


@router.post("/projects/{project_id}/scripts/{script_id}/versions")
async def add_version(view: EditorView, project_id: str, script_id: str, request: Request) -> Response:
    form = await form_of(request)
    body = {"title": form.get("title", "").strip(), "body": form.get("body", "")}
    back = f"/projects/{project_id}/scripts?script_id={script_id}"
    try:
        version = await view.api.request(
            "projects", "POST", f"/v1/projects/{project_id}/scripts/{script_id}/versions", json=body,
            headers={"Idempotency-Key": form.get("attempt") or uuid.uuid4().hex})
    except ApiError as exc:
        return await _refused(view, project_id, script_id, exc, form, "version", VERSION_FIELDS)
    return view.redirect(back, flash=view._("Version %(version)s is now active.", version=version.get("version")))


@router.post("/projects/{project_id}/scripts/{script_id}/versions/{version}/activate")
async def activate(view: EditorView, project_id: str, script_id: str, version: int) -> Response:
    back = f"/projects/{project_id}/scripts?script_id={script_id}"
    try:
        await view.api.post("projects", f"/v1/projects/{project_id}/scripts/{script_id}/versions/{version}/activate")
    except ApiError as exc:
        return view.redirect(back, error=describe(exc, view._))
    return view.redirect(back, flash=view._("Version %(version)s is now active.", version=version))
