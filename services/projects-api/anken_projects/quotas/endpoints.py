"""/v1/quotas: per owner and period; managers and admins set them, directors read their own."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from anken_common.auth_tokens import Role
from anken_common.problems import NotFound, problem_responses
from anken_projects.auth.dependencies import require_roles
from anken_projects.auth.principal import Principal
from anken_projects.db import SessionDep
from anken_projects.deals.access import sees_all_deals
from anken_projects.kit.etag import check_if_match, set_etag
from anken_projects.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from anken_projects.quotas import repository as repo
from anken_projects.quotas import service
from anken_projects.quotas.schemas import QuotaCreate, QuotaOut, QuotaUpdate

router = APIRouter(prefix="/v1/quotas", tags=["quotas"])
QuotaReader = Annotated[Principal, Depends(require_roles(Role.manager, Role.director))]
QuotaWriter = Annotated[Principal, Depends(require_roles(Role.manager))]
QuotaID = Annotated[uuid.UUID, Path(description="Quota id")]


@router.get("", summary="List quotas (directors see their own)", response_model=Page[QuotaOut],
            responses=problem_responses(401, 403, 422))
async def list_quotas(
    session: SessionDep,
    principal: QuotaReader,
    owner_id: uuid.UUID | None = None,
    period_from: Annotated[date | None, Query(description="Quotas whose period ends after this day")] = None,
    period_to: Annotated[date | None, Query(description="Quotas whose period starts before this day (exclusive)")] = None,
    cursor: CursorQuery = None,
    limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[QuotaOut]:
    if not sees_all_deals(principal):
        if owner_id is not None and owner_id != principal.id:
            return Page(items=[], next_cursor=None)
        owner_id = principal.id  # type: ignore[assignment]
    page = await repo.list_quotas(session, owner_id=owner_id, period_from=period_from, period_to=period_to,
                                  cursor=cursor, limit=limit)
    return Page(items=[QuotaOut.model_validate(q) for q in page.items], next_cursor=page.next_cursor)


@router.post("", summary="Set a quota for an owner and period (409 when one overlaps)", status_code=status.HTTP_201_CREATED,
             response_model=QuotaOut, responses=problem_responses(401, 403, 409, 422))
async def create_quota(body: QuotaCreate, session: SessionDep, principal: QuotaWriter, response: Response) -> QuotaOut:
    quota = await service.create_quota(session, body, principal)
    set_etag(response, quota.version)
    return QuotaOut.model_validate(quota)


@router.get("/{quota_id}", summary="One quota", response_model=QuotaOut, responses=problem_responses(401, 403, 404, 422))
async def get_quota(quota_id: QuotaID, session: SessionDep, principal: QuotaReader, response: Response) -> QuotaOut:
    quota = await repo.get_quota(session, quota_id)
    if quota is None or not (sees_all_deals(principal) or quota.owner_id == principal.id):
        raise NotFound("quota")
    set_etag(response, quota.version)
    return QuotaOut.model_validate(quota)


@router.patch("/{quota_id}", summary="Change a quota's amount (If-Match supported)", response_model=QuotaOut,
              responses=problem_responses(401, 403, 404, 412, 422))
async def update_quota(quota_id: QuotaID, body: QuotaUpdate, request: Request, session: SessionDep,
                       principal: QuotaWriter, response: Response) -> QuotaOut:
    quota = await repo.get_quota(session, quota_id, for_update=True)
    if quota is None:
        raise NotFound("quota")
    check_if_match(request, quota.version)
    quota = await service.update_quota(session, quota, body, principal)
    set_etag(response, quota.version)
    return QuotaOut.model_validate(quota)
