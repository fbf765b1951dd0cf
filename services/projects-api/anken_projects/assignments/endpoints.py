"""/v1/projects/{id}/assignments and /worked-hours: who works on a project, and how long each day."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from anken_common.problems import problem_responses
from anken_projects.assignments import service
from anken_projects.assignments.models import Assignment
from anken_projects.assignments.schemas import (
    AssignmentCreate,
    AssignmentOut,
    AssignmentUpdate,
    WorkedHoursOut,
    WorkedHoursPut,
)
from anken_projects.auth.dependencies import UserOnly
from anken_projects.db import SessionDep
from anken_projects.kit.etag import set_etag
from anken_projects.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from anken_projects.projects.dependencies import ManagedProject, ReadableProject

router = APIRouter(prefix="/v1/projects/{project_id}", tags=["assignments"])


def _out(assignment: Assignment, name: str | None) -> AssignmentOut:
    return AssignmentOut.model_validate(assignment).model_copy(update={"member_name": name})


@router.post("/assignments", status_code=201, summary="Assign a member to the project", response_model=AssignmentOut,
             responses=problem_responses(401, 403, 404, 409, 422))
async def create_assignment(
    project: ManagedProject, body: AssignmentCreate, principal: UserOnly, session: SessionDep, response: Response
) -> AssignmentOut:
    assignment = await service.create_assignment(session, principal, project, body)
    set_etag(response, assignment.version)
    names = await service.member_names(session, [assignment.member_id])
    return _out(assignment, names.get(assignment.member_id))


@router.get("/assignments", summary="The project's assignments", response_model=Page[AssignmentOut],
            responses=problem_responses(401, 403, 404, 422))
async def list_assignments(
    project: ReadableProject, principal: UserOnly, session: SessionDep, member_id: uuid.UUID | None = None,
    cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[AssignmentOut]:
    page = await service.list_assignments(session, project, member_id=member_id, cursor=cursor, limit=limit)
    names = await service.member_names(session, [a.member_id for a in page.items])
    return Page[AssignmentOut](items=[_out(a, names.get(a.member_id)) for a in page.items], next_cursor=page.next_cursor)


@router.patch("/assignments/{assignment_id}", summary="Change planned hours (send If-Match)", response_model=AssignmentOut,
              responses=problem_responses(401, 403, 404, 412, 422))
async def update_assignment(
    project: ManagedProject, assignment_id: uuid.UUID, body: AssignmentUpdate, principal: UserOnly,
    session: SessionDep, request: Request, response: Response,
) -> AssignmentOut:
    assignment = await service.update_assignment(session, principal, request, project, assignment_id, body)
    set_etag(response, assignment.version)
    names = await service.member_names(session, [assignment.member_id])
    return _out(assignment, names.get(assignment.member_id))


@router.delete("/assignments/{assignment_id}", status_code=204, summary="Remove a member from the project",
               response_class=Response, responses=problem_responses(401, 403, 404, 412))
async def delete_assignment(
    project: ManagedProject, assignment_id: uuid.UUID, principal: UserOnly, session: SessionDep, request: Request
) -> Response:
    await service.delete_assignment(session, principal, request, project, assignment_id)
    return Response(status_code=204)


@router.put("/worked-hours/{member_id}/{day}", summary="Set a member's worked hours for a day (upsert)",
            description="The total for the day, not an increment: sending it again with the same value changes nothing.",
            response_model=WorkedHoursOut, responses=problem_responses(401, 403, 404, 422))
async def put_worked_hours(
    project: ReadableProject, member_id: uuid.UUID, day: date, body: WorkedHoursPut, principal: UserOnly,
    session: SessionDep, response: Response,
) -> WorkedHoursOut:
    row = await service.put_worked_hours(session, principal, project, member_id, day, body)
    set_etag(response, row.version)
    return WorkedHoursOut.model_validate(row)


@router.get("/worked-hours", summary="Worked hours per member and day (members see their own)",
            response_model=Page[WorkedHoursOut], responses=problem_responses(401, 403, 404, 422))
async def list_worked_hours(
    project: ReadableProject, principal: UserOnly, session: SessionDep, member_id: uuid.UUID | None = None,
    day_from: Annotated[date | None, Query(alias="from", description="First day, inclusive")] = None,
    day_to: Annotated[date | None, Query(alias="to", description="Last day, exclusive")] = None,
    cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[WorkedHoursOut]:
    page = await service.list_worked_hours(session, principal, project, member_id=member_id, day_from=day_from,
                                           day_to=day_to, cursor=cursor, limit=limit)
    return Page[WorkedHoursOut](items=[WorkedHoursOut.model_validate(r) for r in page.items], next_cursor=page.next_cursor)
