"""Weekly reports: the live draft, saving notes, publishing immutable versions (with the event)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.event_payloads import WeeklyReportPublishedPayload
from anken_common.events import EventType
from anken_common.problems import NotFound
from anken_reporting.kpis.repository import ProjectRow
from anken_reporting.outbox.writer import record_event
from anken_reporting.readmodels.timezones import zone
from anken_reporting.reports import repository as repo
from anken_reporting.reports.builder import build_weekly_report
from anken_reporting.reports.iso_week import IsoWeek
from anken_reporting.reports.models import WeeklyReportVersion
from anken_reporting.reports.schemas import (
    DraftIn,
    DraftOut,
    NextAction,
    PublishedOut,
    PublishedVersion,
    PublishedWeek,
    PublishedWeekList,
    ReportNotes,
    VersionLinks,
    VersionList,
    WeeklyReport,
)

# Fields that differ between two renderings of the same content; ignored when deciding whether
# a publish would repeat the latest version.
VOLATILE_FIELDS = {"generated_at", "status", "version", "published_at", "latest_version"}


def report_path(project_id: uuid.UUID, iso_week: str) -> str:
    return f"/v1/projects/{project_id}/weekly-reports/{iso_week}"


def version_links(project_id: uuid.UUID, iso_week: str, version: int) -> VersionLinks:
    base = report_path(project_id, iso_week)
    return VersionLinks(report=f"{base}?version={version}",
                        **{kind: f"{base}.{kind}?version={version}" for kind in ("pptx", "xlsx", "csv", "html")})


def web_report_url(web_base_url: str, project_id: uuid.UUID, iso_week: str, version: int) -> str:
    """The web app's page of a published version: what people open from Slack and Confluence
    (an API URL would answer 401 in a browser)."""
    return f"{web_base_url.rstrip('/')}/projects/{project_id}/reports?week={iso_week}&version={version}"


def without_member_names(report: WeeklyReport) -> WeeklyReport:
    """The report as the client's people see it where the project keeps member names from them
    (`client_sees_member_names` off, anken_common.access.may_see_member_names): each member's row keeps its
    figures, named by its place in the table and without its id."""
    members = [row.model_copy(update={"member_id": None, "name": f"メンバー{index}"})
               for index, row in enumerate(report.members, start=1)]
    return report.model_copy(update={"members": members})


class WeeklyReportService:
    def __init__(self, session: AsyncSession, public_base_url: str = "", web_base_url: str = "") -> None:
        self.session = session
        self.public_base_url = public_base_url.rstrip("/")
        self.web_base_url = web_base_url.rstrip("/")

    async def live(self, project: ProjectRow, week: IsoWeek) -> WeeklyReport:
        draft = await repo.draft(self.session, project["id"], week.label)
        notes = ReportNotes.model_validate(draft.notes) if draft else ReportNotes()
        actions = [NextAction.model_validate(a) for a in draft.next_actions] if draft else []
        return await build_weekly_report(self.session, project, week, notes, actions)

    async def published(self, project_id: uuid.UUID, week: IsoWeek, version: int | None) -> WeeklyReport:
        """A frozen version (the latest when `version` is None); NotFound when there is none."""
        row = await repo.version(self.session, project_id, week.label, version)
        if row is None:
            raise NotFound("published weekly report version" if version else "published weekly report")
        report = WeeklyReport.model_validate(row.report)
        report.latest_version = await repo.latest_version_number(self.session, project_id, week.label)
        return report

    async def versions(self, project_id: uuid.UUID, week: IsoWeek) -> VersionList:
        rows = await repo.versions(self.session, project_id, week.label)
        return VersionList(
            project_id=project_id, iso_week=week.label, latest_version=rows[0].version if rows else None,
            versions=[PublishedVersion(
                version=row.version, published_at=row.published_at, published_by=row.published_by,
                published_by_name=row.published_by_name, summary=row.summary,
                links=version_links(project_id, week.label, row.version),
            ) for row in rows],
        )

    async def published_weeks(self, project_id: uuid.UUID, limit: int) -> PublishedWeekList:
        rows = await repo.published_weeks(self.session, project_id, limit)
        return PublishedWeekList(project_id=project_id, items=[PublishedWeek(
            iso_week=row.iso_week, latest_version=row.version, published_at=row.published_at, summary=row.summary,
            links=version_links(project_id, row.iso_week, row.version),
        ) for row in rows])

    async def save_draft(self, project: ProjectRow, week: IsoWeek, body: DraftIn, editor: str) -> DraftOut:
        draft = await repo.save_draft(self.session,
            project["id"], week.label, body.notes.model_dump(mode="json"),
            [action.model_dump(mode="json") for action in body.next_actions], editor,
        )
        return DraftOut(
            project_id=draft.project_id, iso_week=draft.iso_week, revision=draft.revision, updated_at=draft.updated_at,
            notes=ReportNotes.model_validate(draft.notes),
            next_actions=[NextAction.model_validate(a) for a in draft.next_actions],
        )

    async def publish(self, project: ProjectRow, week: IsoWeek, publisher: str) -> tuple[PublishedOut, bool]:
        """Freeze the live report as the next version and emit weekly_report.published.

        Returns (version, created). Publishing content identical to the latest version returns
        that version instead of a new one, so a retried publish never duplicates.
        """
        await repo.lock_week(self.session, project["id"], week.label)
        report = await self.live(project, week)
        latest = await repo.version(self.session, project["id"], week.label, None)
        if latest is not None:
            frozen = WeeklyReport.model_validate(latest.report)
            if frozen.model_dump(mode="json", exclude=VOLATILE_FIELDS) == report.model_dump(mode="json", exclude=VOLATILE_FIELDS):
                frozen.latest_version = latest.version
                return self._published_out(latest, frozen), False
        number = (latest.version if latest else 0) + 1
        published_at = datetime.now(zone(project["timezone"]))
        report.status, report.version, report.published_at, report.latest_version = (
            "published", number, published_at, number,
        )
        row = await repo.add_version(self.session, WeeklyReportVersion(
            project_id=project["id"], client_id=project["client_id"], iso_week=week.label, version=number,
            report=report.model_dump(mode="json"), published_by=publisher, published_at=published_at,
        ))
        out = self._published_out(row, report)
        record_event(
            self.session, EventType.weekly_report_published, aggregate_type="weekly_report", aggregate_id=row.id,
            tenant=project["client_id"],
            payload=WeeklyReportPublishedPayload(
                id=row.id, project_id=project["id"], client_id=project["client_id"], iso_week=week.label,
                version=number, summary=report.summary, download_url=self.public_base_url + out.download_url,
                web_url=web_report_url(self.web_base_url, project["id"], week.label, number),
            ).model_dump(mode="json"),
        )
        return out, True

    def _published_out(self, row: WeeklyReportVersion, report: WeeklyReport) -> PublishedOut:
        return PublishedOut(
            project_id=row.project_id, iso_week=row.iso_week, version=row.version, published_at=row.published_at,
            download_url=f"{report_path(row.project_id, row.iso_week)}.pptx?version={row.version}", report=report,
        )
