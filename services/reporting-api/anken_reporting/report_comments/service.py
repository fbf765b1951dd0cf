"""Comments on a published weekly report: the client's people (client users) write them for the director to
read before the next meeting; the director (or an admin) may answer. Managers read them. A week with nothing
published has no comments (404), so nobody comments on a draft. A client user's comment emits
`weekly_report.commented` in the same transaction (the worker tells the director in Slack); answers emit nothing."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.auth_tokens import Role
from anken_common.clock import utc_now
from anken_common.event_payloads import WeeklyReportCommentedPayload
from anken_common.events import EventType
from anken_common.problems import NotFound
from anken_reporting.auth.principal import Principal
from anken_reporting.outbox.writer import record_event
from anken_reporting.report_comments import repository
from anken_reporting.report_comments.schemas import CommentIn, CommentList, CommentOut
from anken_reporting.reports import repository as reports_repo
from anken_reporting.reports.iso_week import IsoWeek
from anken_reporting.reports.service import web_report_url

MAX_LISTED = 500


async def _published_version(session: AsyncSession, project_id: uuid.UUID, week: IsoWeek) -> int:
    number = await reports_repo.latest_version_number(session, project_id, week.label)
    if number is None:
        raise NotFound("published weekly report")
    return int(number)


async def comments(session: AsyncSession, project: Mapping[str, Any], week: IsoWeek) -> CommentList:
    await _published_version(session, project["id"], week)
    rows = await repository.comments(session, project["id"], week.label, MAX_LISTED)
    return CommentList(items=[CommentOut.model_validate(dict(row)) for row in rows])


async def add(session: AsyncSession, principal: Principal, project: Mapping[str, Any], week: IsoWeek,
              body: CommentIn, web_base_url: str = "") -> CommentOut:
    version = await _published_version(session, project["id"], week)
    row = await repository.add(session, {
        "id": uuid.uuid4(), "project_id": project["id"], "client_id": project["client_id"], "iso_week": week.label,
        "version": version, "body": body.body, "author_id": str(principal.id),
        "author_name": await repository.user_name(session, principal.id),
        "author_role": principal.role.value if principal.role else principal.kind, "created_at": utc_now(),
    })
    if principal.role == Role.client:
        record_event(
            session, EventType.weekly_report_commented, aggregate_type="weekly_report_comment",
            aggregate_id=row["id"], tenant=project["client_id"],
            payload=WeeklyReportCommentedPayload(
                id=row["id"], project_id=project["id"], client_id=project["client_id"], iso_week=week.label,
                version=version, author_name=row["author_name"], author_role=row["author_role"], body=row["body"],
                created_at=row["created_at"], web_url=web_report_url(web_base_url, project["id"], week.label, version),
            ).model_dump(mode="json"),
        )
    return CommentOut.model_validate(dict(row))
