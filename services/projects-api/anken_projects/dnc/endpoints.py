"""Do-not-call lists per client, honoured across all of the client's projects."""

from __future__ import annotations

import uuid
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Body, Path, Query, Response
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_common import access as rule
from anken_common.auth_tokens import Role
from anken_common.problems import Forbidden, NotFound, problem_responses
from anken_projects.auth.dependencies import CurrentPrincipal
from anken_projects.auth.principal import Principal
from anken_projects.auth.scopes import Scope
from anken_projects.clients.models import Client
from anken_projects.db import SessionDep
from anken_projects.dnc import service
from anken_projects.dnc.models import DoNotCallEntry
from anken_projects.dnc.schemas import DoNotCallCreate, DoNotCallOut, DoNotCallPage, TargetDoNotCall
from anken_projects.kit.pagination import CursorQuery, LimitQuery
from anken_projects.projects.access import directs_a_project_of
from anken_projects.projects.models import Project
from anken_projects.targets.access import get_target

# Query text reaches PostgreSQL, which cannot hold NUL characters.
NO_NUL = r"^[^\x00]*$"

router = APIRouter(tags=["do-not-call"])
WHO_MANAGES = ("Admins change every client's list, a director only the lists of clients whose projects they "
               "direct, a partner key (write:targets) its own client's; another client's list is 404.")
WHO_READS = ("Admins and managers read every client's list, a director the lists of clients whose projects they "
             "direct, a partner key (write:targets) its own client's; another client's list is 404.")
ClientID = Annotated[uuid.UUID, Path(description="Client id")]


async def _client_for(session: AsyncSession, principal: Principal, client_id: uuid.UUID, *, write: bool,
                      not_found: str = "client") -> uuid.UUID:
    """The one client rule (anken_common.access): admins manage every list, a director the lists of clients
    whose projects they direct, managers read every list; partner keys only their own client's (write:targets).
    Another client's list answers 404, as if it did not exist."""
    if principal.is_partner:
        if principal.client_id != client_id:
            raise NotFound(not_found)
        if Scope.write_targets not in principal.scopes:
            raise Forbidden(f"this API key lacks the scope {Scope.write_targets}", required_scope=str(Scope.write_targets))
        return client_id
    roles = (Role.director,) if write else (Role.director, Role.manager)
    if not (principal.kind == "service" or principal.is_admin or (principal.is_user and principal.role in roles)):
        raise Forbidden("requires one of the roles: " + ", ".join(r.value for r in roles))
    directs = await directs_a_project_of(session, principal, client_id)
    allowed = (rule.may_manage_client(principal, directs_a_project_of_client=directs) if write
               else rule.may_read_client(principal, client_id=client_id, directs_a_project_of_client=directs))
    if not allowed:
        raise NotFound(not_found)
    exists = await session.scalar(sa.select(col(Project.id)).where(col(Project.client_id) == client_id).limit(1))
    if exists is None and await session.get(Client, client_id) is None:
        raise NotFound(not_found)
    return client_id


@router.post("/v1/clients/{client_id}/do-not-call", status_code=201, response_model=DoNotCallOut,
             summary="Put a company on the client's do-not-call list (by 法人番号 and/or phone)",
             description="Every project of the client honours it at once: calls are refused (409) and next-target "
                         "skips the company. Matching targets are marked `dnc`. " + WHO_MANAGES,
             responses=problem_responses(401, 403, 404, 409, 422))
async def add_entry(client_id: ClientID, body: DoNotCallCreate, principal: CurrentPrincipal,
                    session: SessionDep) -> DoNotCallOut:
    await _client_for(session, principal, client_id, write=True)
    entry, flagged = await service.add_entry(session, principal, client_id, body)
    return DoNotCallOut.model_validate(entry).model_copy(update={"targets_flagged": flagged})


@router.get("/v1/clients/{client_id}/do-not-call", response_model=DoNotCallPage,
            summary="The client's do-not-call list", description=WHO_READS,
            responses=problem_responses(401, 403, 404, 422))
async def list_entries(client_id: ClientID, principal: CurrentPrincipal, session: SessionDep,
                       q: Annotated[str | None, Query(max_length=200, pattern=NO_NUL, description="法人番号, phone or part of the name")] = None,
                       cursor: CursorQuery = None, limit: LimitQuery = 50) -> DoNotCallPage:
    await _client_for(session, principal, client_id, write=False)
    page = await service.list_entries(session, client_id, q=q, cursor=cursor, limit=limit)
    return DoNotCallPage(items=[DoNotCallOut.model_validate(e) for e in page.items], next_cursor=page.next_cursor)


@router.delete("/v1/do-not-call/{entry_id}", status_code=204, response_class=Response,
               summary="Take a company off the do-not-call list; its targets become callable again",
               description=WHO_MANAGES,
               responses=problem_responses(401, 403, 404))
async def remove_entry(entry_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep) -> Response:
    entry = await session.get(DoNotCallEntry, entry_id, with_for_update=True)
    if entry is None:
        raise NotFound("do-not-call entry")
    await _client_for(session, principal, entry.client_id, write=True, not_found="do-not-call entry")
    await service.remove_entry(session, principal, entry)
    return Response(status_code=204)


@router.post("/v1/targets/{target_id}/do-not-call", status_code=201, response_model=DoNotCallOut,
             summary="Flag the company of a target do-not-call (e.g. asked on the call never to be called again)",
             description="Any member who can see the target's project may flag it; the entry applies to every "
                         "project of the client.",
             responses=problem_responses(401, 403, 404, 409, 422))
async def flag_target(target_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep,
                      body: Annotated[TargetDoNotCall | None, Body(examples=[{"reason": "先方より架電不要との申し出"}])]
                      = None) -> DoNotCallOut:
    if principal.is_partner:
        raise NotFound("target")
    target = await get_target(session, principal, target_id)
    create = DoNotCallCreate(corporate_number=target.corporate_number, phone=target.phone,
                             company_name=target.company_name, reason=body.reason if body else None)
    entry, flagged = await service.add_entry(session, principal, target.client_id, create)
    return DoNotCallOut.model_validate(entry).model_copy(update={"targets_flagged": flagged})
