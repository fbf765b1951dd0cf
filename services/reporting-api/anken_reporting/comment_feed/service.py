"""The client's comments across the projects a staff member oversees: admins and managers read every project's,
a director their own projects' (anken_common.access: a director manages only their projects). Client users are
not served here: they read their comments on each week's report."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from anken_common import access as rule
from anken_common.clock import utc_now
from anken_reporting.auth.access import visible_project
from anken_reporting.auth.principal import Principal
from anken_reporting.comment_feed import repository
from anken_reporting.comment_feed.schemas import FeedComment, FeedPage
from anken_reporting.readmodels.models import PROJECT_ACCESS_COLUMNS
from anken_reporting.report_comments.models import report_comments as t

DEFAULT_DAYS = 14


async def recent(session: AsyncSession, principal: Principal, *, since: datetime | None,
                 project_id: uuid.UUID | None, cursor: str | None, limit: int) -> FeedPage:
    if project_id is not None:
        await visible_project(session, principal, project_id)  # another's project: 404
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    rows, next_cursor = await repository.page(
        session, since=since or utc_now() - timedelta(days=DEFAULT_DAYS), project_id=project_id,
        visible=rule.visible_project_ids_clause(principal, t.c.project_id, PROJECT_ACCESS_COLUMNS), cursor=cursor, limit=limit,
    )
    return FeedPage(items=[FeedComment.model_validate(dict(row)) for row in rows], next_cursor=next_cursor)
