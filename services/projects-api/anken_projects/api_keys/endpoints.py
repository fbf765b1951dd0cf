"""/v1/api-keys: partner keys per client (admins only). The secret is shown once, at creation."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from anken_common.problems import problem_responses
from anken_projects.api_keys import service
from anken_projects.api_keys.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyOut
from anken_projects.auth.dependencies import AdminOnly
from anken_projects.db import ResourcesDep, SessionDep
from anken_projects.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page

router = APIRouter(prefix="/v1/api-keys", tags=["api-keys"])


@router.post("", status_code=201, summary="Issue an API key for a client (the secret appears only in this response)",
             response_model=ApiKeyCreated, responses=problem_responses(401, 403, 422))
async def create_api_key(body: ApiKeyCreate, principal: AdminOnly, session: SessionDep, resources: ResourcesDep) -> ApiKeyCreated:
    key, secret = await service.issue_key(session, principal, resources.settings.anken_secret_key, body)
    return ApiKeyCreated(id=key.id, client_id=key.client_id, name=key.name, prefix=key.prefix, secret=secret,
                         scopes=key.scopes, created_at=key.created_at, expires_at=key.expires_at)


@router.get("", summary="List API keys (never their secrets)", response_model=Page[ApiKeyOut],
            responses=problem_responses(401, 403, 422))
async def list_api_keys(
    principal: AdminOnly, session: SessionDep, client_id: uuid.UUID | None = None, include_revoked: bool = False,
    cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[ApiKeyOut]:
    page = await service.list_keys(session, client_id=client_id, include_revoked=include_revoked, cursor=cursor, limit=limit)
    return Page[ApiKeyOut](items=[ApiKeyOut.model_validate(k) for k in page.items], next_cursor=page.next_cursor)


@router.get("/{key_id}", summary="Get an API key (never its secret)", response_model=ApiKeyOut,
            responses=problem_responses(401, 403, 404))
async def get_api_key(key_id: uuid.UUID, principal: AdminOnly, session: SessionDep) -> ApiKeyOut:
    return ApiKeyOut.model_validate(await service.get_key(session, key_id))


@router.delete("/{key_id}", summary="Revoke an API key (it answers 401 from now on)", response_model=ApiKeyOut,
               responses=problem_responses(401, 403, 404))
async def revoke_api_key(key_id: uuid.UUID, principal: AdminOnly, session: SessionDep) -> ApiKeyOut:
    return ApiKeyOut.model_validate(await service.revoke_key(session, principal, key_id))
