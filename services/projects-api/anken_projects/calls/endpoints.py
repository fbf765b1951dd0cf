"""Call logging: one call (the member's one-key logging), bulk (history and offline batches), edit, delete."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, RootModel
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_common.auth_tokens import Role
from anken_common.field_limits import Limits, limits_document
from anken_common.problems import Forbidden, NotFound, problem_responses
from anken_projects.auth.dependencies import CurrentPrincipal
from anken_projects.calls import service, single
from anken_projects.calls.ingest import encode_json, log_calls
from anken_projects.calls.models import Call, CallOutcome
from anken_projects.calls.repository import appointment_id_of_call, appointment_ids_of_calls, calls_query
from anken_projects.calls.schemas import BulkCallsIn, BulkCallsOut, CallIn, CallOut, CallPage, CallUpdate
from anken_projects.db import SessionDep
from anken_projects.idempotency.store import (
    IdempotencyClaim,
    claim_or_replay,
    complete,
    complete_json,
    keyed_request,
)
from anken_projects.kit.etag import set_etag
from anken_projects.kit.pagination import CursorQuery, LimitQuery, paginate
from anken_projects.projects.access import get_accessible_project

router = APIRouter(tags=["calls"])

ProjectID = Annotated[uuid.UUID, Path(description="Project id")]
IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", max_length=255,
    description="Retry-safe: the same key and body replay the first response; the same key with another body is 422",
)]
# Read once from the model: a changed constraint changes what clients are told.
CALL_LIMITS, CallLimits = limits_document(CallIn, "CallLimits")
REFUSALS = (
    "Refused calls: a member not assigned to the project, or another member's call logged by a member (403), "
    "a target not in the project (422), a target whose company is on the client's do-not-call list (409), "
    "a future `occurred_at`, or an appointment meeting before the call / in the past (422)."
)


@router.post(
    "/v1/projects/{project_id}/calls", status_code=201, response_model=CallOut,
    summary="Log one call; an `appointment` outcome also creates the appointment",
    description="Logging a call ends the target's next-target lease and moves its status. " + REFUSALS,
    responses=problem_responses(401, 403, 404, 409, 422),
)
async def log_call(project_id: ProjectID, body: CallIn, request: Request, principal: CurrentPrincipal,
                   session: SessionDep, idempotency_key: IdempotencyKey = None) -> CallOut | Response:
    if single.takes_fast_path(principal, body):
        out = await single.log_one_call(session, principal, project_id, body, await keyed_request(request, principal))
        if isinstance(out, Response):
            return out
        # Serialised once here; FastAPI would validate the model again against response_model.
        return Response(out.model_dump_json(), status_code=201, media_type="application/json")
    project = await get_accessible_project(session, principal, project_id)
    claim = await claim_or_replay(session, request, principal)
    if isinstance(claim, JSONResponse):
        return claim
    logged = (await log_calls(session, principal, project, [body], bulk=False))[0]
    out = single.call_out_of(logged)
    await _store(session, claim, 201, out)
    return out


@router.post(
    "/v1/projects/{project_id}/calls/bulk", status_code=201, response_model=BulkCallsOut,
    summary="Log up to 10,000 calls at once (all or nothing)",
    description="Every call is checked before any is written; one refused call rejects the request and the "
                "answer lists each refusal as `calls.<index>.<field>`. " + REFUSALS,
    responses=problem_responses(401, 403, 404, 409, 413, 422),
)
async def log_calls_bulk(project_id: ProjectID, body: BulkCallsIn, request: Request, principal: CurrentPrincipal,
                         session: SessionDep, idempotency_key: IdempotencyKey = None) -> Response:
    project = await get_accessible_project(session, principal, project_id)
    claim = await claim_or_replay(session, request, principal)
    if isinstance(claim, JSONResponse):
        return claim
    logged = await log_calls(session, principal, project, body.calls, bulk=True)
    # Built as plain JSON and encoded once, for the idempotency record and the wire: ten thousand
    # items would otherwise be validated and serialised three times.
    out = {"created": len(logged), "items": [
        {"id": str(c.id), "target_id": str(c.body.target_id), "occurred_at": c.body.occurred_at.isoformat(),
         "appointment_id": str(c.appointment_id) if c.appointment_id else None}
        for c in logged
    ]}
    encoded = encode_json(out)
    await complete_json(session, claim, 201, encoded.decode())
    return Response(encoded, status_code=201, media_type="application/json")


async def _store(session: AsyncSession, claim: IdempotencyClaim | None, status_code: int, out: CallOut) -> None:
    if claim is not None:
        await complete(session, claim, status_code, out.model_dump(mode="json"))


@router.get(
    "/v1/projects/{project_id}/calls", response_model=CallPage,
    summary="List a project's calls, newest first (members see only their own)",
    description="Filters: member_id, target_id, outcome, and `from` (inclusive) / `to` (exclusive) on occurred_at.",
    responses=problem_responses(401, 403, 404, 422),
)
async def list_calls(
    project_id: ProjectID, principal: CurrentPrincipal, session: SessionDep,
    member_id: Annotated[uuid.UUID | None, Query()] = None,
    target_id: Annotated[uuid.UUID | None, Query()] = None,
    outcome: Annotated[CallOutcome | None, Query()] = None,
    from_: Annotated[AwareDatetime | None, Query(alias="from", description="occurred_at ≥ this")] = None,
    to: Annotated[AwareDatetime | None, Query(description="occurred_at < this")] = None,
    cursor: CursorQuery = None, limit: LimitQuery = 50,
) -> CallPage:
    if principal.is_partner:
        raise NotFound("project")
    project = await get_accessible_project(session, principal, project_id)
    if principal.is_user and principal.role == Role.member:
        if member_id is not None and member_id != principal.id:
            raise Forbidden("members see only their own calls")
        member_id = uuid.UUID(str(principal.id))
    statement = calls_query(project.id, member_id=member_id, target_id=target_id,
                            outcome=outcome.value if outcome else None, from_=from_, to=to)
    page = await paginate(session, statement, (col(Call.occurred_at), col(Call.id)), cursor=cursor, limit=limit, descending=True)
    appointments = await appointment_ids_of_calls(session, [c.id for c in page.items])
    return CallPage(items=[
        CallOut.model_validate(c).model_copy(update={"appointment_id": appointments.get(c.id)}) for c in page.items
    ], next_cursor=page.next_cursor)


@router.get(
    "/v1/calls/limits", response_model=CallLimits,
    summary="The input limits of a logged call (from CallIn's own constraints)",
    description="Dotted field paths as in `errors[].field` (`*`: any value of a list or mapping) → their limits "
                "(`max_length`, `max_items`, `minimum`, …). Clients show them before a call is refused; the API "
                "stays the judge. Served in every environment (the OpenAPI document may not be).",
    responses=problem_responses(401),
)
async def call_limits(principal: CurrentPrincipal) -> RootModel[Limits]:
    return CallLimits(CALL_LIMITS)


@router.get("/v1/calls/{call_id}", response_model=CallOut, summary="A logged call",
            description="Visible as in the list: a member reads only their own calls of projects they are assigned "
                        "to; any other call is 404.",
            responses=problem_responses(401, 403, 404))
async def get_call(call_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep, response: Response) -> CallOut:
    row = await service.load_call_for(session, principal, call_id, write=False)
    set_etag(response, row.version)
    return service.call_out(row, await appointment_id_of_call(session, row.id))


@router.patch("/v1/calls/{call_id}", response_model=CallOut,
              summary="Correct a logged call (emits call.updated with `previous`)",
              description="Members correct their own calls; directors their projects' calls. Supports If-Match.",
              responses=problem_responses(401, 403, 404, 412, 422))
async def update_call(call_id: uuid.UUID, body: CallUpdate, request: Request, principal: CurrentPrincipal,
                      session: SessionDep, response: Response) -> CallOut:
    row = await service.load_call_for(session, principal, call_id, write=True)
    out = await service.update_call(session, principal, row, body, request)
    set_etag(response, out.version)
    return out


@router.delete("/v1/calls/{call_id}", status_code=204, response_class=Response,
               summary="Delete a call logged by mistake (emits call.deleted with `previous`)",
               description="A call that set an appointment cannot be deleted (409). The target's status follows its "
                           "remaining calls; when the member who logged the call deletes it (the calling screen's undo) "
                           "and the company can be called now, it is leased to them again (next-target hands it back "
                           "to them, not to another member). Supports If-Match.",
               responses=problem_responses(401, 403, 404, 409, 412))
async def delete_call(call_id: uuid.UUID, request: Request, principal: CurrentPrincipal, session: SessionDep) -> Response:
    row = await service.load_call_for(session, principal, call_id, write=True)
    await service.delete_call(session, principal, row, request)
    return Response(status_code=204)
