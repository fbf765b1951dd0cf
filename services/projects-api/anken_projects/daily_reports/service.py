"""End-of-day reports (日報): a member's summary of the day, together with the hours they worked.

The hours go through the worked-hours service, so the day's total lives in one table
(worked_hours) and the same rules apply: a member reports only for themself (admin or the
project's director may report for a member), only on a project they are assigned to, and
never for a day that has not come yet in the project's timezone.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.auth_tokens import Role
from anken_common.event_payloads import DailyReportPayload
from anken_common.events import EventType
from anken_common.problems import Forbidden
from anken_projects.assignments import service as assignments_service
from anken_projects.assignments.schemas import WorkedHoursPut
from anken_projects.audit.writer import record_audit
from anken_projects.auth.principal import Principal
from anken_projects.daily_reports import repository
from anken_projects.daily_reports.models import DailyReport
from anken_projects.daily_reports.schemas import DailyReportPut
from anken_projects.kit.pagination import PageResult
from anken_projects.kit.snapshot import snapshot
from anken_projects.outbox.writer import record_event
from anken_projects.projects.models import Project


async def put_daily_report(
    session: AsyncSession, principal: Principal, project: Project, member_id: uuid.UUID, day: date, body: DailyReportPut
) -> DailyReport:
    """Replace (not append to) the member's report for the day, and set that day's worked hours."""
    # First, so its checks (who, which day, assigned) refuse the report before anything is written.
    await assignments_service.put_worked_hours(session, principal, project, member_id, day,
                                               WorkedHoursPut(hours=body.hours))
    previous = await repository.daily_report(session, project.id, member_id, day)
    before = snapshot(previous) if previous else None
    row = await repository.upsert_daily_report(session, project.id, member_id, day, body.model_dump())
    record_audit(session, principal, "daily_report.put", "daily_report", row.id, before=before, after=snapshot(row))
    payload = DailyReportPayload(
        id=row.id, project_id=project.id, member_id=member_id, day=day, hours=float(row.hours), summary=row.summary,
        good_reactions=row.good_reactions, objections=row.objections, next_actions=row.next_actions,
        version=row.version,
    )
    record_event(session, EventType.daily_report_submitted, aggregate_type="project", aggregate_id=project.id,
                 tenant=project.client_id, payload=payload.model_dump(mode="json"))
    return row


async def list_daily_reports(
    session: AsyncSession, principal: Principal, project: Project, *, member_id: uuid.UUID | None, day: date | None,
    cursor: str | None, limit: int,
) -> PageResult[DailyReport]:
    """Everyone who may read the project sees all its reports, except members, who see only their own."""
    if principal.is_user and principal.role == Role.member:
        if member_id not in (None, principal.id):
            raise Forbidden("members see only their own daily reports")
        member_id = principal.id  # type: ignore[assignment]
    return await repository.page_daily_reports(session, project.id, member_id=member_id, day=day, cursor=cursor,
                                               limit=limit)
