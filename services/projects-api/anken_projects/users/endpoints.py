"""/v1/users: staff accounts (admins manage; directors and managers read, e.g. to assign members)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from anken_common.auth_tokens import Role
from anken_common.problems import problem_responses
from anken_projects.auth.dependencies import AdminOnly, require_roles
from anken_projects.auth.principal import Principal
from anken_projects.db import SessionDep
from anken_projects.kit.etag import set_etag
from anken_projects.kit.idempotent_create import IdempotencyKeyHeader, idempotent_create
from anken_projects.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from anken_projects.kit.validators import NO_NUL_PATTERN
from anken_projects.users import service
from anken_projects.users.schemas import UserCreate, UserOut, UserUpdate

router = APIRouter(prefix="/v1/users", tags=["users"])
StaffReader = Annotated[Principal, Depends(require_roles(Role.director, Role.manager))]


@router.post("", status_code=201, summary="Create a user", response_model=UserOut,
             responses=problem_responses(401, 403, 409, 422))
async def create_user(
    body: UserCreate, principal: AdminOnly, session: SessionDep, request: Request, response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> UserOut | JSONResponse:
    async def create() -> UserOut:
        user = await service.create_user(session, principal, body)
        set_etag(response, user.version)
        return UserOut.model_validate(user)

    return await idempotent_create(session, request, principal, create)


@router.get("", summary="List users", response_model=Page[UserOut], responses=problem_responses(401, 403, 422))
async def list_users(
    principal: StaffReader, session: SessionDep,
    role: Role | None = None,
    is_active: bool | None = None,
    q: Annotated[str | None, Query(max_length=200, pattern=NO_NUL_PATTERN, description="Part of the name or email")] = None,
    cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[UserOut]:
    page = await service.list_users(session, principal, role=role, is_active=is_active, q=q, cursor=cursor, limit=limit)
    return Page[UserOut](items=[UserOut.model_validate(u) for u in page.items], next_cursor=page.next_cursor)


@router.get("/{user_id}", summary="Get a user", response_model=UserOut, responses=problem_responses(401, 403, 404))
async def get_user(user_id: uuid.UUID, principal: StaffReader, session: SessionDep, response: Response) -> UserOut:
    user = await service.read_user(session, principal, user_id)
    set_etag(response, user.version)
    return UserOut.model_validate(user)


@router.patch("/{user_id}", summary="Update a user: name, role, password, locale, deactivate", response_model=UserOut,
              description="A role or password change, or deactivation, ends every session of the user: their "
                          "tokens stop working in every Anken service within 5 seconds.",
              responses=problem_responses(401, 403, 404, 412, 422))
async def update_user(
    user_id: uuid.UUID, body: UserUpdate, principal: AdminOnly, session: SessionDep, request: Request, response: Response
) -> UserOut:
    user = await service.update_user(session, principal, request, user_id, body)
    set_etag(response, user.version)
    return UserOut.model_validate(user)


@router.delete("/{user_id}", summary="Deactivate a user (never deleted; their tokens stop working within 5 s)",
               response_model=UserOut, responses=problem_responses(401, 403, 404, 409))
async def deactivate_user(user_id: uuid.UUID, principal: AdminOnly, session: SessionDep, response: Response) -> UserOut:
    user = await service.deactivate_user(session, principal, user_id)
    set_etag(response, user.version)
    return UserOut.model_validate(user)
