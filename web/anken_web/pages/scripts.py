"""Talk scripts of a project: patterns A and B (optionally per industry), every edit a new
version, rollback to an earlier one. The A/B statistics live on the project page."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from anken_web.api_client import ApiError
from anken_web.error_messages import describe
from anken_web.rendering import View, roles

router = APIRouter(include_in_schema=False)
StaffView = Annotated[View, Depends(roles("director", "manager", "admin"))]
EditorView = Annotated[View, Depends(roles("director", "admin"))]


@router.get("/projects/{project_id}/scripts")
async def scripts_page(view: StaffView, project_id: str, script_id: str = "") -> Response:
    project, scripts = await asyncio.gather(
        view.api.get("projects", f"/v1/projects/{project_id}"),
        view.api.get("projects", f"/v1/projects/{project_id}/scripts"),
    )
    chosen = next((s for s in scripts.get("items", []) if s["id"] == script_id), None)
    versions = []
    if chosen:
        versions = (await view.api.get("projects", f"/v1/projects/{project_id}/scripts/{chosen['id']}/versions",
                                       limit=50)).get("items", [])
    return view.render("projects/scripts.html", project=project, scripts=scripts.get("items", []), chosen=chosen,
                       versions=versions, attempt=uuid.uuid4().hex)


@router.post("/projects/{project_id}/scripts")
async def create_script(view: EditorView, project_id: str, request: Request) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    body = {"pattern": form.get("pattern", "A"), "title": form.get("title", "").strip(), "body": form.get("body", "")}
    if form.get("industry", "").strip():
        body["industry"] = form["industry"].strip()
    try:
        await view.api.post("projects", f"/v1/projects/{project_id}/scripts", json=body)
    except ApiError as exc:
        return view.redirect(f"/projects/{project_id}/scripts", error=describe(exc, view._))
    return view.redirect(f"/projects/{project_id}/scripts", flash=view._("Script %(title)s added.", title=body["title"]))


@router.post("/projects/{project_id}/scripts/{script_id}/versions")
async def add_version(view: EditorView, project_id: str, script_id: str, request: Request) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    body = {"title": form.get("title", "").strip(), "body": form.get("body", "")}
    back = f"/projects/{project_id}/scripts?script_id={script_id}"
    try:
        version = await view.api.request(
            "projects", "POST", f"/v1/projects/{project_id}/scripts/{script_id}/versions", json=body,
            headers={"Idempotency-Key": form.get("attempt") or uuid.uuid4().hex})
    except ApiError as exc:
        return view.redirect(back, error=describe(exc, view._))
    return view.redirect(back, flash=view._("Version %(version)s is now active.", version=version.get("version")))


@router.post("/projects/{project_id}/scripts/{script_id}/versions/{version}/activate")
async def activate(view: EditorView, project_id: str, script_id: str, version: int) -> Response:
    back = f"/projects/{project_id}/scripts?script_id={script_id}"
    try:
        await view.api.post("projects", f"/v1/projects/{project_id}/scripts/{script_id}/versions/{version}/activate")
    except ApiError as exc:
        return view.redirect(back, error=describe(exc, view._))
    return view.redirect(back, flash=view._("Version %(version)s is now active.", version=version))
