"""The client's comments on published weekly reports across projects, for the director's home page."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from anken_common.auth_tokens import Role
from anken_common.problems import problem_responses
from anken_reporting.auth.dependencies import require_roles
from anken_reporting.auth.principal import Principal
from anken_reporting.comment_feed import service
from anken_reporting.comment_feed.schemas import FeedPage
from anken_reporting.db import SessionDep

router = APIRouter(prefix="/v1/report-comments", tags=["weekly reports"])

# Staff only (admins always): the client's people read their comments on each week's report.
FeedReader = Annotated[Principal, Depends(require_roles(Role.director, Role.manager))]


@router.get(
    "",
    summary="The client's recent comments on weekly reports",
    description=(
        "Comments the client's people wrote on published weekly reports, newest first: a director's own projects, "
        "every project for admins and managers. `since` defaults to 14 days ago; `project_id` narrows to one "
        "project (404 when it is not the caller's). Keyset-paginated by `cursor`."
    ),
    response_model=FeedPage,
    responses=problem_responses(401, 403, 404, 422),
)
async def recent_comments(
    session: SessionDep, principal: FeedReader,
    since: Annotated[datetime | None, Query(description="Oldest instant to include (ISO 8601 with offset)",
                                            examples=["2026-11-21T00:00:00+09:00"])] = None,
    project_id: Annotated[uuid.UUID | None, Query()] = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> FeedPage:
    return await service.recent(session, principal, since=since, project_id=project_id, cursor=cursor, limit=limit)
