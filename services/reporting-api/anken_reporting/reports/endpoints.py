"""Weekly report routes: the report as JSON, its draft notes, publishing, and the four downloads."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common import access as rule
from anken_common.auth_tokens import Role
from anken_common.problems import problem_responses
from anken_reporting.auth.access import managed_project, shows_member_names, visible_project
from anken_reporting.auth.dependencies import KpiReader, require_roles
from anken_reporting.auth.principal import Principal
from anken_reporting.db import ResourcesDep, SessionDep
from anken_reporting.reports.documents import FORMAT_DESCRIPTIONS, FORMATS, document_openapi, document_response
from anken_reporting.reports.schemas import (
    DraftIn,
    DraftOut,
    PublishedOut,
    PublishedWeekList,
    VersionList,
    WeeklyReport,
)
from anken_reporting.reports.service import WeeklyReportService, without_member_names
from anken_reporting.reports.week_param import IsoWeekPath, week_of

router = APIRouter(prefix="/v1/projects/{project_id}/weekly-reports", tags=["weekly reports"])

ReportEditor = Annotated[Principal, Depends(require_roles(Role.director))]
VersionQuery = Annotated[int | None, Query(ge=1, le=1_000_000, description="A published version; default the live draft "
                                                             "(partners: the latest published version)")]


async def load_report(
    session: AsyncSession, principal: Principal, project_id: uuid.UUID, iso_week: str, version: int | None,
) -> WeeklyReport:
    week = week_of(iso_week)
    project = await visible_project(session, principal, project_id)
    service = WeeklyReportService(session)
    # Partners and client users see what the director published, never a draft in progress.
    if version is not None or rule.reads_published_reports_only(principal):
        report = await service.published(project_id, week, version)
    else:
        report = await service.live(project, week)
    if not shows_member_names(principal, project):
        report = without_member_names(report)
    return report


def _download_route(extension: str) -> None:
    async def download(
        project_id: uuid.UUID, iso_week: IsoWeekPath, session: SessionDep, principal: KpiReader,
        version: VersionQuery = None,
    ) -> Response:
        return await document_response(await load_report(session, principal, project_id, iso_week, version), extension)

    router.add_api_route(
        f"/{{iso_week}}.{extension}", download, methods=["GET"],
        summary=f"Download the weekly report as {extension.upper()}",
        description=FORMAT_DESCRIPTIONS[extension],
        response_class=Response,
        responses={**document_openapi(extension), **problem_responses(401, 403, 404, 422)},
        name=f"download_weekly_report_{extension}",
    )


@router.get(
    "",
    summary="The weeks of a project with a published weekly report",
    description="Newest week first, each with its latest version, when it was published, its summary line and "
                "the paths of that version as JSON and as each download. Drafts are never listed.",
    response_model=PublishedWeekList,
    responses=problem_responses(401, 403, 404, 422),
)
async def list_published_weeks(
    project_id: uuid.UUID, session: SessionDep, principal: KpiReader,
    limit: Annotated[int, Query(ge=1, le=200, description="At most this many weeks")] = 52,
) -> PublishedWeekList:
    await visible_project(session, principal, project_id)
    return await WeeklyReportService(session).published_weeks(project_id, limit)


# Downloads are declared before `/{iso_week}` so `2026-W47.pptx` reaches them, not the JSON route.
for _extension in FORMATS:
    _download_route(_extension)


@router.get(
    "/{iso_week}/versions",
    summary="The published versions of a week's report",
    description=(
        "Every immutable version published for the week, newest first: number, when and by whom, its "
        "summary line and the paths of the version as JSON and as each download (`?version=N`)."
    ),
    response_model=VersionList,
    responses=problem_responses(401, 403, 404, 422),
)
async def list_versions(
    project_id: uuid.UUID, iso_week: IsoWeekPath, session: SessionDep, principal: KpiReader,
) -> VersionList:
    week = week_of(iso_week)
    await visible_project(session, principal, project_id)
    return await WeeklyReportService(session).versions(project_id, week)


@router.get(
    "/{iso_week}",
    summary="A project's weekly report (定例MTG資料)",
    description=(
        "Numbers vs target and last week, members, funnel, daily trend, A/B result, list consumption, "
        "appointment quality, notes, next actions and the 30-minute agenda. Without `version` the live "
        "draft (partners get the latest published version); with it a frozen published version."
    ),
    response_model=WeeklyReport,
    responses=problem_responses(401, 403, 404, 422),
)
async def get_weekly_report(
    project_id: uuid.UUID, iso_week: IsoWeekPath, session: SessionDep, principal: KpiReader,
    version: VersionQuery = None,
) -> WeeklyReport:
    return await load_report(session, principal, project_id, iso_week, version)


@router.put(
    "/{iso_week}/draft",
    summary="Save the week's notes and next actions",
    description="Replaces the draft's qualitative notes (良い反応・断り文句・学び) and next actions.",
    response_model=DraftOut,
    responses=problem_responses(401, 403, 404, 422),
)
async def put_draft(
    project_id: uuid.UUID, iso_week: IsoWeekPath, body: DraftIn, session: SessionDep, principal: ReportEditor,
) -> DraftOut:
    week = week_of(iso_week)
    project = await managed_project(session, principal, project_id)
    return await WeeklyReportService(session).save_draft(project, week, body, str(principal.id))


@router.post(
    "/{iso_week}/publish",
    summary="Publish the week's report as an immutable version",
    description=(
        "Freezes the live report as the next version and emits `weekly_report.published`. Publishing "
        "again without any change answers the latest version (200) instead of creating one (201)."
    ),
    response_model=PublishedOut,
    status_code=201,
    responses={200: {"model": PublishedOut, "description": "Nothing changed: the latest version"},
               **problem_responses(401, 403, 404, 422)},
)
async def publish(
    project_id: uuid.UUID, iso_week: IsoWeekPath, session: SessionDep, principal: ReportEditor,
    resources: ResourcesDep, response: Response,
) -> PublishedOut:
    week = week_of(iso_week)
    project = await managed_project(session, principal, project_id)
    service = WeeklyReportService(session, resources.settings.reporting_api_url, resources.settings.web_url)
    published, created = await service.publish(project, week, str(principal.id))
    if not created:
        response.status_code = 200
    return published
