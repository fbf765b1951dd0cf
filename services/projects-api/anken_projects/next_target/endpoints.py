"""The calling screen's "next target" button."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Body, Path, Response

from anken_common.problems import Forbidden, NotFound, problem_responses
from anken_projects.auth.dependencies import CurrentPrincipal
from anken_projects.db import ResourcesDep, single_statement
from anken_projects.next_target import service
from anken_projects.next_target.schemas import NextTargetIn, NextTargetOut
from anken_projects.next_target.variant_assignment import assign_variant
from anken_projects.projects.access import get_accessible_project, visibility_sql
from anken_projects.targets.schemas import TargetOut

router = APIRouter(tags=["calls"])


@router.post(
    "/v1/projects/{project_id}/next-target", response_model=NextTargetOut,
    summary="Lease the calling member's next target (highest tier, uncalled before callback-due)",
    description=(
        "For the member making the request (who must be assigned to the project). The target is leased for 5 "
        "minutes: no other member gets it meanwhile; logging a call on it ends the lease. Asking again while the "
        "lease runs returns the same target (pass `skip_target_id` to give it back and get another). Do-not-call "
        "companies are never handed out. `target` is null when nothing can be called now. Unless the project lets "
        "members choose (`ab_manual_choice`), the answer carries the script pattern Anken assigned to this member "
        "for this target (`variant`, `script_version_id`): random, balanced per member, kept for the target; the "
        "call logged on it carries that variant."
    ),
    responses=problem_responses(401, 403, 404, 422),
)
async def next_target(
    project_id: Annotated[uuid.UUID, Path(description="Project id")], principal: CurrentPrincipal,
    resources: ResourcesDep,
    body: Annotated[NextTargetIn | None, Body(examples=[{}, {"skip_target_id": "9d1c2b3a-4f5e-4d6c-8b7a-0f1e2d3c4b5a"}])]
    = None,
) -> NextTargetOut | Response:
    if not principal.is_user:
        async with resources.sessionmaker() as session, session.begin():
            await get_accessible_project(session, principal, project_id)
        raise Forbidden("next-target hands targets to a calling member; use a member's token")
    member_id = uuid.UUID(str(principal.id))
    # The calling floor's hottest request: access check, skip, lease renewal or a new lease are one
    # statement on a connection without BEGIN/COMMIT (see service.next_target_statement). It changes nothing
    # unless the checks below pass.
    async with single_statement(resources) as driver:
        handed = await service.next_target(
            driver, project_id, member_id, visible=visibility_sql(principal, "$2"),
            skip_id=body.skip_target_id if body is not None else None)
        if handed is None or not handed.visible:
            raise NotFound("project")
        if not handed.assigned:
            raise Forbidden("you are not assigned to this project")
        if handed.target is None:
            out = NextTargetOut(target=None)
        else:
            # Only a handed-out target gets a pattern (after the access checks above).
            assigned = await assign_variant(driver, project_id, member_id, handed.target)
            # Handed-out targets are never do-not-call: the pick excludes them.
            out = NextTargetOut(target=TargetOut.model_validate({**handed.target, "do_not_call": False}),
                                lease_expires_at=handed.target["lease_expires_at"],
                                variant=assigned.variant if assigned else None,
                                script_version_id=assigned.script_version_id if assigned else None)
    # Serialised once here; FastAPI would validate the model again against response_model.
    return Response(out.model_dump_json(), media_type="application/json")
