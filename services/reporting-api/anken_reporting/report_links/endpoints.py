"""Shared weekly report links: create (the token shown once), list, revoke; and the two routes the web's
/r/<token> page calls without any user, where the token itself is the credential."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Response

from anken_common.auth_tokens import Role
from anken_common.problems import problem_responses
from anken_reporting.auth.access import managed_project
from anken_reporting.auth.dependencies import require_roles
from anken_reporting.auth.principal import Principal
from anken_reporting.db import ResourcesDep, SessionDep
from anken_reporting.report_links import service
from anken_reporting.report_links.schemas import LinkCreated, LinkIn, LinkList, SharedReport
from anken_reporting.reports.documents import FORMAT_DESCRIPTIONS, FORMATS, document_openapi, document_response
from anken_reporting.reports.iso_week import ISO_WEEK_PATTERN
from anken_reporting.reports.week_param import IsoWeekPath, week_of

router = APIRouter(tags=["report links"])

LinkManager = Annotated[Principal, Depends(require_roles(Role.director))]
TokenPath = Annotated[str, Path(max_length=200, description="The link's token (from creating it)")]
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", max_length=255,
    description="Retry-safe create: the same caller and key answer the link made the first time (200)")]


@router.post(
    "/v1/projects/{project_id}/weekly-reports/{iso_week}/links",
    summary="Share the week's published report through a signed, expiring link",
    description=(
        "A link for the project's client to open the week's latest published version in the browser (web "
        "`/r/<token>`) without logging in, with its PPTX, XLSX, CSV and HTML downloads. The token is in this "
        "answer only. Expires after `expires_in_days` (default 14); revoke with `DELETE /v1/report-links/{id}`. "
        "Admins and the project's director; 404 while nothing is published for the week."
    ),
    response_model=LinkCreated,
    status_code=201,
    responses={200: {"model": LinkCreated, "description": "The Idempotency-Key's link, made by an earlier call"},
               **problem_responses(401, 403, 404, 409, 422)},
)
async def create_link(
    project_id: uuid.UUID, iso_week: IsoWeekPath, session: SessionDep, principal: LinkManager,
    resources: ResourcesDep, response: Response, body: LinkIn | None = None, idempotency_key: IdempotencyKey = None,
) -> LinkCreated:
    week = week_of(iso_week)
    project = await managed_project(session, principal, project_id)
    settings = resources.settings
    days = (body.expires_in_days if body else None) or settings.report_link_ttl_days
    link, created = await service.create(session, principal, project, week, days=days,
                                         secret=settings.anken_secret_key, web_url=settings.web_url,
                                         idempotency_key=idempotency_key)
    if not created:
        response.status_code = 200
    return link


@router.get(
    "/v1/report-links",
    summary="Shared report links",
    description=(
        "The links of the projects the caller manages (admins: all), newest first, with their status "
        "(active, expired, revoked) and how often they were used. Tokens are never listed. Naming a client or "
        "project the caller does not manage answers 404."
    ),
    response_model=LinkList,
    responses=problem_responses(401, 403, 404, 422),
)
async def list_links(
    session: SessionDep, principal: LinkManager,
    client_id: Annotated[uuid.UUID | None, Query(description="Only this client's links")] = None,
    project_id: Annotated[uuid.UUID | None, Query(description="Only this project's links")] = None,
    iso_week: Annotated[str | None, Query(pattern=ISO_WEEK_PATTERN, description="Only this week's links")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 200,
) -> LinkList:
    if project_id is not None:
        await managed_project(session, principal, project_id)
    return await service.links(session, principal, client_id=client_id, project_id=project_id, iso_week=iso_week,
                               limit=limit)


@router.delete(
    "/v1/report-links/{link_id}",
    summary="Revoke a shared report link",
    description="The link stops working at once (its page and downloads answer 404). Revoking again is a no-op.",
    status_code=204,
    response_class=Response,
    responses=problem_responses(401, 403, 404),
)
async def revoke_link(link_id: uuid.UUID, session: SessionDep, principal: LinkManager) -> Response:
    await service.revoke(session, principal, link_id)
    return Response(status_code=204)


@router.get(
    "/v1/report-links/resolve/{token}",
    summary="Open a shared report link (no login: the token is the credential)",
    description=(
        "The week's latest published version (never a draft) and the paths of its downloads through the same "
        "token. An unknown, revoked or expired token answers 404. Each use is counted."
    ),
    response_model=SharedReport,
    responses=problem_responses(404),
)
async def resolve_link(token: TokenPath, session: SessionDep, resources: ResourcesDep) -> SharedReport:
    return await service.resolve(session, resources.settings.anken_secret_key, token)


def _download_route(extension: str) -> None:
    async def download(token: TokenPath, session: SessionDep, resources: ResourcesDep) -> Response:
        _, report = await service.shared_report(session, resources.settings.anken_secret_key, token)
        return await document_response(report, extension)

    router.add_api_route(
        f"/v1/report-links/resolve/{{token}}/download.{extension}", download, methods=["GET"],
        summary=f"Download a shared report as {extension.upper()} (no login)",
        description=FORMAT_DESCRIPTIONS[extension] + " The latest published version; 404 once the link is revoked "
                                                     "or expired.",
        response_class=Response, responses={**document_openapi(extension), **problem_responses(404)},
        name=f"download_shared_report_{extension}",
    )


for _extension in FORMATS:
    _download_route(_extension)
