"""The calling screen's "next target" button."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Path, Response
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.problems import Forbidden, NotFound, problem_responses
from anken_projects.auth.dependencies import CurrentPrincipal
from anken_projects.auth.principal import Principal
from anken_projects.db import SessionDep
from anken_projects.next_target import service
from anken_projects.next_target.schemas import NextTargetIn, NextTargetOut
from anken_projects.projects.access import get_accessible_project, sees_project
from anken_projects.targets.schemas import TargetOut

router = APIRouter(tags=["calls"])


@router.post(
    "/v1/projects/{project_id}/next-target", response_model=NextTargetOut,
    summary="Lease the calling member's next target (highest tier, uncalled before callback-due)",
    description=(
        "For the member making the request (who must be assigned to the project). The target is leased for 5 "
        "minutes: no other member gets it meanwhile; logging a call on it ends the lease. Asking again while the "
        "lease runs returns the same target (pass `skip_target_id` to give it back and get another). Do-not-call "
        "companies are never handed out. `target` is null when nothing can be called now."
    ),
    responses=problem_responses(401, 403, 404, 422),
)
async def next_target(
    project_id: Annotated[uuid.UUID, Path(description="Project id")], principal: CurrentPrincipal, session: SessionDep,
    body: Annotated[NextTargetIn | None, Body(examples=[{}, {"skip_target_id": "9d1c2b3a-4f5e-4d6c-8b7a-0f1e2d3c4b5a"}])]
    = None,
) -> NextTargetOut | Response:
    if principal.is_user:
        await _check_member(session, principal, project_id)
    else:
        await get_accessible_project(session, principal, project_id)
        raise Forbidden("next-target hands targets to a calling member; use a member's token")
    member_id = uuid.UUID(str(principal.id))
    skip_id = body.skip_target_id if body is not None else None
    if skip_id is not None:
        await service.release_lease(session, skip_id, member_id)
    row = await service.next_target(session, project_id, member_id, skip_id)
    if row is None:
        out = NextTargetOut(target=None)
    else:
        # Handed-out targets are never do-not-call: the pick excludes them.
        out = NextTargetOut(target=TargetOut.model_validate({**row, "do_not_call": False}),
                            lease_expires_at=row["lease_expires_at"])
    # Serialised once here; FastAPI would validate the model again against response_model.
    return Response(out.model_dump_json(), media_type="application/json")


# One round trip for get_accessible_project's rule (users) and the assignment check.
_PROJECT_AND_ASSIGNMENT = text("""
    SELECT p.director_id,
           EXISTS (SELECT 1 FROM projects.assignments a WHERE a.project_id = p.id AND a.member_id = :user_id) AS assigned
    FROM projects.projects p WHERE p.id = :project_id
""")


async def _check_member(session: AsyncSession, principal: Principal, project_id: uuid.UUID) -> None:
    """404 when the user may not see the project, 403 when they are not assigned to it."""
    row = (await session.execute(_PROJECT_AND_ASSIGNMENT, {"project_id": project_id, "user_id": principal.id})).first()
    if row is None or not sees_project(principal, row.director_id, row.assigned):
        raise NotFound("project")
    if not row.assigned:
        raise Forbidden("you are not assigned to this project")
