"""Shared weekly report links. `/r/<token>` opens a published weekly report without any login (the token is
the credential, checked by reporting-api on every use: expired, revoked or unknown links get a page saying
so, never a 500), with its PPTX, XLSX, CSV and HTML downloads. On the weekly report page the project's
director (or an admin) makes, lists and revokes the week's links, and reads the client's comments."""

from __future__ import annotations

import asyncio
import contextlib
import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from anken_web.api_client import Api, ApiError
from anken_web.error_messages import describe
from anken_web.form_values import form_of
from anken_web.rendering import AnyView, View, roles
from anken_web.security_headers import report_document_headers

router = APIRouter(include_in_schema=False)
ShareView = Annotated[View, Depends(roles("director", "admin"))]
DOWNLOADS = ("pptx", "xlsx", "csv", "html")
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,200}")
# The token is a secret: no page or site this page links to may learn it from the Referer.
NO_REFERRER = {"Referrer-Policy": "no-referrer"}
SHARERS = ("director", "admin")


def _public(view: View) -> Api:
    """The APIs without the visitor's session: a link opens the same for whoever holds it."""
    api: Api = view.request.app.state.api.for_token(None)
    return api


def _invalid(view: View) -> Response:
    return view.render("report_links/invalid.html", status_code=404, headers=NO_REFERRER)


def _resolve_path(token: str) -> str:
    return f"/v1/report-links/resolve/{token}"


@router.get("/r/{token}")
async def shared_report(view: AnyView, token: str) -> Response:
    if not TOKEN.fullmatch(token):
        return _invalid(view)
    try:
        shared = await _public(view).get("reporting", _resolve_path(token))
    except ApiError as exc:
        if exc.status in (404, 422):
            return _invalid(view)
        raise
    return view.render("report_links/shared.html", headers=NO_REFERRER, token=token, shared=shared,
                       report=shared["report"], downloads=DOWNLOADS)


@router.get("/r/{token}/download.{kind}")
async def shared_download(view: AnyView, token: str, kind: str) -> Response:
    if kind not in DOWNLOADS or not TOKEN.fullmatch(token):
        return _invalid(view)
    try:
        upstream = await _public(view).request("reporting", "GET", _resolve_path(token) + f"/download.{kind}", raw=True)
    except ApiError as exc:
        if exc.status in (404, 422):
            return _invalid(view)
        raise
    disposition = upstream.headers.get("content-disposition", f'attachment; filename="weekly-report.{kind}"')
    headers = {"Content-Disposition": disposition, **NO_REFERRER}
    if kind == "html":
        # The print view opens in the browser (and in the page's frame) instead of downloading.
        headers["Content-Disposition"] = "inline" + disposition[disposition.find(";"):] if ";" in disposition else "inline"
        headers.update(report_document_headers())
    return Response(upstream.content, media_type=upstream.headers.get("content-type"), headers=headers)


def _links_query(project_id: str, week: str) -> dict[str, str]:
    return {"project_id": project_id, "iso_week": week}


async def report_sharing(view: View, project_id: str, week: str) -> dict[str, Any]:
    """What the weekly report page shows of sharing: the client's comments on the published week (for everyone
    who reads the page) and, for the director and admins, the week's shared links."""
    comments = await view.api.try_get("reporting", f"/v1/projects/{project_id}/weekly-reports/{week}/comments",
                                      default={})
    can_share = view.session.role in SHARERS
    links = await view.api.try_get("reporting", "/v1/report-links", default={},
                                   **_links_query(project_id, week)) if can_share else {}
    return {"comments": (comments or {}).get("items") or [], "can_share": can_share,
            "share_links": (links or {}).get("items") or [], "new_link": None, "share_error": None}


async def _section(view: View, project_id: str, week: str, *, new_link: dict[str, Any] | None = None,
                   error: str | None = None, status_code: int = 200) -> Response:
    sharing = await report_sharing(view, project_id, week)
    sharing.update(new_link=new_link, share_error=error)
    project = {"id": project_id}
    headers = NO_REFERRER if new_link else None
    if view.is_htmx:
        return view.render("report_links/section.html", headers=headers, project=project, week=week, **sharing)
    return view.render("report_links/page.html", status_code=status_code, headers=headers, project=project,
                       week=week, **sharing)


@router.post("/projects/{project_id}/reports/{week}/links")
async def create_link(view: ShareView, project_id: str, week: str) -> Response:
    try:
        link = await view.api.post("reporting", f"/v1/projects/{project_id}/weekly-reports/{week}/links", json={})
    except ApiError as exc:
        message = view._("Publish the report first: a link shares the published version.") if exc.status == 404 \
            else describe(exc, view._)
        return await _section(view, project_id, week, error=message, status_code=exc.status if exc.status < 500 else 502)
    return await _section(view, project_id, week, new_link=link)


def _back_to(project_id: str, week: str, form: dict[str, str]) -> str:
    """Back to where the revoke button was: the week's report page, the project's or the client's list."""
    if form.get("back") == "project":
        return f"/projects/{project_id}/report-links"
    if form.get("back") == "client":
        with contextlib.suppress(ValueError):  # only ever a path of ours: the id is parsed, never pasted
            return f"/clients/{uuid.UUID(form.get('client_id', ''))}/report-links"
    return f"/projects/{project_id}/reports?week={week}#share-links"


@router.post("/projects/{project_id}/reports/{week}/links/{link_id}/revoke")
async def revoke_link(view: ShareView, project_id: str, week: str, link_id: str, request: Request) -> Response:
    back = _back_to(project_id, week, await form_of(request))
    try:
        await view.api.delete("reporting", f"/v1/report-links/{link_id}")
    except ApiError as exc:
        if view.is_htmx:
            return await _section(view, project_id, week, error=describe(exc, view._),
                                  status_code=exc.status if exc.status < 500 else 502)
        return view.redirect(back, error=describe(exc, view._))
    if view.is_htmx:
        return await _section(view, project_id, week)
    return view.redirect(back, flash=view._("The link is revoked: it no longer opens the report."))


@router.get("/projects/{project_id}/report-links")
async def project_links(view: ShareView, project_id: str) -> Response:
    """Every shared link of the project, all weeks, for the director (or an admin) to review and revoke."""
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    links = await view.api.get("reporting", "/v1/report-links", project_id=project_id)
    return view.render("report_links/project.html", project=project, share_links=(links or {}).get("items") or [])


@router.get("/clients/{client_id}/report-links")
async def client_links(view: ShareView, client_id: str) -> Response:
    """Every shared link of the client's projects, for the director (the client's projects they direct) or an
    admin: what has been sent to the client, and revoking it when a person there leaves. A client the user
    does not manage is 404 from projects-api and reporting-api alike."""
    client, links = await asyncio.gather(view.api.get("projects", f"/v1/clients/{client_id}"),
                                         view.api.get("reporting", "/v1/report-links", client_id=client_id))
    return view.render("report_links/client.html", client=client, share_links=(links or {}).get("items") or [])
