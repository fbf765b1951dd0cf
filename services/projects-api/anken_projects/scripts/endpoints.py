"""/v1/projects/{id}/scripts: talk scripts per variant, with their immutable version history."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from anken_common.problems import problem_responses
from anken_projects.auth.dependencies import UserOnly
from anken_projects.db import SessionDep
from anken_projects.kit.idempotent_create import IdempotencyKeyHeader, idempotent_create
from anken_projects.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from anken_projects.projects.dependencies import ManagedProject, ReadableProject
from anken_projects.scripts import service
from anken_projects.scripts.models import Script, ScriptVersion
from anken_projects.scripts.schemas import ScriptCreate, ScriptOut, ScriptVersionCreate, ScriptVersionOut

router = APIRouter(prefix="/v1/projects/{project_id}/scripts", tags=["scripts"])
ScriptID = Annotated[uuid.UUID, Path(description="The script (variant) id")]


def _script_out(script: Script, version: ScriptVersion | None) -> ScriptOut:
    out = ScriptOut.model_validate(script)
    return out.model_copy(update={"active_version": ScriptVersionOut.model_validate(version) if version else None})


@router.get("", summary="The project's scripts with their active versions", response_model=Page[ScriptOut],
            responses=problem_responses(401, 403, 404))
async def list_scripts(project: ReadableProject, principal: UserOnly, session: SessionDep) -> Page[ScriptOut]:
    # A project has a handful of variants, so the whole set is one page.
    return Page[ScriptOut](items=[_script_out(s, v) for s, v in await service.list_scripts(session, project)])


@router.post("", status_code=201, summary="Add a script variant (pattern A/B, optional industry) with version 1",
             response_model=ScriptOut, responses=problem_responses(401, 403, 404, 409, 422))
async def create_script(project: ManagedProject, body: ScriptCreate, principal: UserOnly, session: SessionDep) -> ScriptOut:
    script, version = await service.create_script(session, principal, project, body)
    return _script_out(script, version)


@router.post("/{script_id}/versions", status_code=201, summary="Edit a script: a new version that becomes active",
             response_model=ScriptVersionOut, responses=problem_responses(401, 403, 404, 422))
async def add_version(
    project: ManagedProject, script_id: ScriptID, body: ScriptVersionCreate, principal: UserOnly, session: SessionDep,
    request: Request, idempotency_key: IdempotencyKeyHeader = None,
) -> ScriptVersionOut | JSONResponse:
    async def create() -> ScriptVersionOut:
        return ScriptVersionOut.model_validate(await service.add_version(session, principal, project, script_id, body))

    return await idempotent_create(session, request, principal, create)


@router.get("/{script_id}/versions", summary="A script's version history, newest first",
            response_model=Page[ScriptVersionOut], responses=problem_responses(401, 403, 404, 422))
async def list_versions(
    project: ReadableProject, script_id: ScriptID, principal: UserOnly, session: SessionDep,
    cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[ScriptVersionOut]:
    page = await service.list_versions(session, project, script_id, cursor=cursor, limit=limit)
    return Page[ScriptVersionOut](items=[ScriptVersionOut.model_validate(v) for v in page.items],
                                  next_cursor=page.next_cursor)


@router.post("/{script_id}/versions/{version}/activate", summary="Make an earlier version active again (rollback)",
             response_model=ScriptVersionOut, responses=problem_responses(401, 403, 404, 422))
async def activate_version(
    project: ManagedProject, script_id: ScriptID, version: Annotated[int, Path(ge=1, le=1_000_000)],
    principal: UserOnly, session: SessionDep,
) -> ScriptVersionOut:
    return ScriptVersionOut.model_validate(await service.activate_version(session, principal, project, script_id, version))
