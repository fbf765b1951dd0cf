"""/v1/clients: the ordering companies (admins manage; managers read all, directors the clients they direct projects of)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from anken_common.auth_tokens import Role
from anken_common.problems import problem_responses
from anken_projects.auth.dependencies import AdminOnly, require_roles
from anken_projects.auth.principal import Principal
from anken_projects.clients import service
from anken_projects.clients.schemas import ClientCreate, ClientOut, ClientUpdate
from anken_projects.db import SessionDep
from anken_projects.kit.etag import set_etag
from anken_projects.kit.idempotent_create import IdempotencyKeyHeader, idempotent_create
from anken_projects.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from anken_projects.kit.validators import NO_NUL_PATTERN

router = APIRouter(prefix="/v1/clients", tags=["clients"])
StaffReader = Annotated[Principal, Depends(require_roles(Role.director, Role.manager))]


@router.post("", status_code=201, summary="Create a client", response_model=ClientOut,
             responses=problem_responses(401, 403, 422))
async def create_client(
    body: ClientCreate, principal: AdminOnly, session: SessionDep, request: Request, response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> ClientOut | JSONResponse:
    async def create() -> ClientOut:
        client = await service.create_client(session, principal, body)
        set_etag(response, client.version)
        return ClientOut.model_validate(client)

    return await idempotent_create(session, request, principal, create)


@router.get("", summary="List clients", response_model=Page[ClientOut], responses=problem_responses(401, 403, 422))
async def list_clients(
    principal: StaffReader, session: SessionDep,
    q: Annotated[str | None, Query(max_length=200, pattern=NO_NUL_PATTERN, description="Part of the name")] = None,
    industry: Annotated[str | None, Query(max_length=100, pattern=NO_NUL_PATTERN)] = None,
    cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[ClientOut]:
    page = await service.list_clients(session, principal, q=q, industry=industry, cursor=cursor, limit=limit)
    return Page[ClientOut](items=[ClientOut.model_validate(c) for c in page.items], next_cursor=page.next_cursor)


@router.get("/{client_id}", summary="Get a client", response_model=ClientOut, responses=problem_responses(401, 403, 404))
async def get_client(client_id: uuid.UUID, principal: StaffReader, session: SessionDep, response: Response) -> ClientOut:
    client = await service.get_client(session, principal, client_id)
    set_etag(response, client.version)
    return ClientOut.model_validate(client)


@router.patch("/{client_id}", summary="Update a client (send If-Match to avoid lost updates)", response_model=ClientOut,
              responses=problem_responses(401, 403, 404, 412, 422))
async def update_client(
    client_id: uuid.UUID, body: ClientUpdate, principal: AdminOnly, session: SessionDep, request: Request, response: Response
) -> ClientOut:
    client = await service.update_client(session, principal, request, client_id, body)
    set_etag(response, client.version)
    return ClientOut.model_validate(client)
