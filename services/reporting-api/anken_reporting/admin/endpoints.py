"""Admin: rebuild the read models from projects-api's export, with progress."""

from __future__ import annotations

import asyncio
import uuid

from fastapi import APIRouter, Request, status

from anken_common.problems import Conflict, NotFound, problem_responses
from anken_reporting.admin.rebuild import create_job, get_job, run_rebuild, running_job
from anken_reporting.admin.schemas import RebuildJob
from anken_reporting.auth.dependencies import AdminOnly
from anken_reporting.db import ResourcesDep, SessionDep

router = APIRouter(tags=["admin"])


@router.post(
    "/v1/admin/rebuild",
    summary="Start a rebuild of the KPI read models from projects-api's event export",
    description="Empties the read models and replays every event; live events wait until it finishes. "
                "Follow progress at GET /v1/admin/rebuild/{id}.",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RebuildJob,
    responses=problem_responses(401, 403, 409),
)
async def start_rebuild(request: Request, session: SessionDep, resources: ResourcesDep, principal: AdminOnly) -> RebuildJob:
    if (current := await running_job(session)) is not None:
        raise Conflict("a rebuild is already running", job_id=str(current["id"]))
    job_id = await create_job(resources.sessionmaker)
    task = asyncio.create_task(run_rebuild(resources.engine, resources.sessionmaker, resources.settings, job_id))
    request.app.state.background.add(task)
    task.add_done_callback(request.app.state.background.discard)
    async with resources.sessionmaker() as fresh:
        job = await get_job(fresh, job_id)
    if job is None:  # create_job committed it; only a wiped database loses it
        raise NotFound("rebuild job")
    return RebuildJob(**job)


@router.get(
    "/v1/admin/rebuild/{job_id}",
    summary="Progress of a rebuild",
    response_model=RebuildJob,
    responses=problem_responses(401, 403, 404),
)
async def rebuild_progress(job_id: uuid.UUID, session: SessionDep, principal: AdminOnly) -> RebuildJob:
    job = await get_job(session, job_id)
    if job is None:
        raise NotFound("rebuild job")
    return RebuildJob(**job)
