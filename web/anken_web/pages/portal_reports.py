"""The client portal's weekly reports: the published weeks of a project (/client/projects/{id}/reports) and one
week (/reports/{week}) to read in the page, download as PPTX, XLSX, CSV or HTML (the latest published version,
never a draft: reporting-api answers a client user's unpublished week 404), and comment on for the director
before the next meeting (the comments API of reporting-api)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from anken_web.api_client import ApiError
from anken_web.pages import reports as director_reports
from anken_web.pages.form_refusals import banner, refusals_of
from anken_web.pages.portal_common import PortalView, project_of, staff_elsewhere
from anken_web.rendering import View

router = APIRouter(include_in_schema=False)
COMMENT_FIELDS = {"body": "Comment"}


def report_path(project_id: str, week: str) -> str:
    return director_reports.report_path(project_id, week)


async def latest_version(view: View, project_id: str, week: str) -> int:
    """The week's latest published version; a week without one is not found (as the API answers drafts)."""
    versions = await view.api.get("reporting", report_path(project_id, week) + "/versions")
    latest = versions.get("latest_version") if isinstance(versions, dict) else None
    if not isinstance(latest, int):
        raise StarletteHTTPException(404)
    return latest


@router.get("/client/projects/{project_id}/reports")
async def client_reports(view: PortalView, project_id: str) -> Response:
    if (elsewhere := staff_elsewhere(view)) is not None:
        return elsewhere
    project = await project_of(view, project_id)
    weeks = await view.api.get("reporting", f"/v1/projects/{project_id}/weekly-reports")
    return view.render("client/reports.html", project=project, weeks=(weeks or {}).get("items", []),
                       downloads=director_reports.DOWNLOADS)


async def render_week(view: View, project: dict[str, Any], week: str, *, typed: str = "",
                      field_errors: dict[str, str] | None = None, error: str | None = None,
                      status_code: int = 200) -> Response:
    version = await latest_version(view, project["id"], week)
    report = await view.api.get("reporting", report_path(project["id"], week), version=version)
    comments = await view.api.try_get("reporting", report_path(project["id"], week) + "/comments",
                                      default={"items": []})
    return view.render("client/report.html", status_code=status_code, project=project, week=week, report=report,
                       version=version, downloads=director_reports.DOWNLOADS, comments=(comments or {}).get("items", []),
                       typed=typed, field_errors=field_errors or {}, error=error, attempt=uuid.uuid4().hex)


@router.get("/client/projects/{project_id}/reports/{week}")
async def client_report(view: PortalView, project_id: str, week: str) -> Response:
    if (elsewhere := staff_elsewhere(view)) is not None:
        return elsewhere
    return await render_week(view, await project_of(view, project_id), week)


@router.post("/client/projects/{project_id}/reports/{week}/comments")
async def post_comment(view: PortalView, project_id: str, week: str, body: Annotated[str, Form()] = "") -> Response:
    if (elsewhere := staff_elsewhere(view)) is not None:
        return elsewhere
    project = await project_of(view, project_id)
    try:
        await view.api.post("reporting", report_path(project_id, week) + "/comments", json={"body": body})
    except ApiError as exc:
        if exc.status == 404:
            raise  # the week is not published (or not theirs): the not-found page
        errors = refusals_of(exc, view._, COMMENT_FIELDS)
        return await render_week(view, project, week, typed=body, field_errors=errors, error=banner(exc, errors, view._),
                                 status_code=422 if errors else (exc.status if 400 <= exc.status < 500 else 502))
    return view.redirect(f"/client/projects/{project_id}/reports/{week}#comments",
                         flash=view._("Your comment is sent. The director reads it before the next meeting."))


@router.get("/client/projects/{project_id}/reports/{week}/download.{kind}")
async def client_download(view: PortalView, project_id: str, week: str, kind: str) -> Response:
    """The latest published version as a file (HTML opens in the browser), as the director's page serves it."""
    if (elsewhere := staff_elsewhere(view)) is not None:
        return elsewhere
    version = await latest_version(view, project_id, week)
    return await director_reports.download(view, project_id, week, kind, version=str(version))
