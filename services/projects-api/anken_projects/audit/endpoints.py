"""/v1/audit-entries: who changed what, with before and after (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from anken_common.problems import problem_responses
from anken_projects.audit import repository
from anken_projects.audit.schemas import AuditEntryOut
from anken_projects.auth.dependencies import AdminOnly
from anken_projects.db import SessionDep
from anken_projects.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from anken_projects.kit.validators import NO_NUL_PATTERN

router = APIRouter(prefix="/v1/audit-entries", tags=["audit"])


@router.get("", summary="Audit entries, newest first, filtered by entity, actor or action",
            response_model=Page[AuditEntryOut], responses=problem_responses(401, 403, 422))
async def list_audit_entries(
    principal: AdminOnly, session: SessionDep,
    entity_type: Annotated[str | None, Query(max_length=32, pattern=NO_NUL_PATTERN, examples=["project"])] = None,
    entity_id: Annotated[str | None, Query(max_length=64, pattern=NO_NUL_PATTERN)] = None,
    actor_id: Annotated[str | None, Query(max_length=64, pattern=NO_NUL_PATTERN)] = None,
    action: Annotated[str | None, Query(max_length=64, pattern=NO_NUL_PATTERN, examples=["project.update"])] = None,
    cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[AuditEntryOut]:
    page = await repository.page(session, entity_type=entity_type, entity_id=entity_id, actor_id=actor_id,
                                 action=action, cursor=cursor, limit=limit)
    return Page[AuditEntryOut](items=[AuditEntryOut.model_validate(e) for e in page.items], next_cursor=page.next_cursor)
