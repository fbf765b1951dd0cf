"""/v1/projects: projects, their lifecycle, kickoff checklist and contract changes."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from anken_common import access as rule
from anken_common.auth_tokens import Role
from anken_common.field_limits import field_limits
from anken_common.problems import Forbidden, problem_responses
from anken_projects.assignments.schemas import AssignmentUpdate
from anken_projects.auth.dependencies import CurrentPrincipal, require_roles
from anken_projects.auth.principal import Principal
from anken_projects.auth.scopes import Scope
from anken_projects.daily_reports.schemas import DailyReportPut
from anken_projects.db import SessionDep
from anken_projects.kit.etag import check_if_match, set_etag
from anken_projects.kit.idempotent_create import IdempotencyKeyHeader, idempotent_create
from anken_projects.kit.pagination import DEFAULT_LIMIT, CursorQuery, LimitQuery, Page
from anken_projects.kit.validators import NO_NUL_PATTERN
from anken_projects.projects import contracts, kickoff, lifecycle, service
from anken_projects.projects.dependencies import ManagedProject, ProjectID, ReadableProject
from anken_projects.projects.models import ContractChangeKind, Project, ProjectStatus
from anken_projects.projects.schemas import (
    ClientProjectOut,
    ContractChangeCreate,
    ContractChangeOut,
    KickoffChecklist,
    KickoffItemCreate,
    KickoffItemOut,
    KickoffItemUpdate,
    ProjectCreate,
    ProjectOut,
    ProjectUpdate,
    TransitionRequest,
)
from anken_projects.scripts.schemas import ScriptCreate

router = APIRouter(prefix="/v1/projects", tags=["projects"])
DirectorOrAdmin = Annotated[Principal, Depends(require_roles(Role.director))]
# The limits of what a project's screens send: the project (PATCH), a kickoff item (`kickoff_item.…`), a
# member's assignment (`assignment.…`), a script (`script.…`: a new variant or version), a contract change
# (`contract_change.…`) and a member's end-of-day report (`daily_report.…`), read from the request models.
PROJECT_LIMITS = {
    **field_limits(ProjectUpdate),
    **{f"kickoff_item.{path}": limits for path, limits in field_limits(KickoffItemUpdate).items()},
    **{f"assignment.{path}": limits for path, limits in field_limits(AssignmentUpdate).items()},
    **{f"script.{path}": limits for path, limits in field_limits(ScriptCreate).items()},
    **{f"contract_change.{path}": limits for path, limits in field_limits(ContractChangeCreate).items()},
    **{f"daily_report.{path}": limits for path, limits in field_limits(DailyReportPut).items()},
}


def _out(project: Project, response: Response) -> ProjectOut:
    set_etag(response, project.version)
    return ProjectOut.model_validate(project)


def _view(principal: Principal, project: Project) -> ProjectOut | ClientProjectOut:
    """The project as the caller may read it: a client user gets ClientProjectOut's fields only."""
    return ClientProjectOut.model_validate(project) if rule.is_client_user(principal) \
        else ProjectOut.model_validate(project)


CLIENT_USER_VIEW = ("A client user gets the client's view (ClientProjectOut): id, client_id, name, product, status, "
                    "timezone, monthly_appointment_target, appointment_definition, qualification_fields, "
                    "unqualified_reasons, handoff_contact, calendar_link, weekly_meeting_weekday/time, "
                    "client_sees_member_names, created_at, updated_at and reportable_handoff_statuses; none of the "
                    "agency's own fields (director, hours and contract terms, targeting, Slack/Confluence/Sheets "
                    "links, closed days, A/B setting, transitions, version).")


@router.post("", status_code=201, summary="Create a project (status draft, with the default kickoff checklist)",
             response_model=ProjectOut, responses=problem_responses(401, 403, 422))
async def create_project(
    body: ProjectCreate, principal: DirectorOrAdmin, session: SessionDep, request: Request, response: Response,
    idempotency_key: IdempotencyKeyHeader = None,
) -> ProjectOut | JSONResponse:
    async def create() -> ProjectOut:
        return _out(await service.create_project(session, principal, body), response)

    return await idempotent_create(session, request, principal, create)


@router.get("", summary="List the projects you may see",
            description="Admins and managers see all; directors the projects they direct; members their assigned "
                        "projects; partner keys (read:projects) and client users their client's projects. "
                        + CLIENT_USER_VIEW,
            response_model=Page[ProjectOut] | Page[ClientProjectOut], responses=problem_responses(401, 403, 422))
async def list_projects(
    principal: CurrentPrincipal, session: SessionDep,
    status: ProjectStatus | None = None,
    director_id: uuid.UUID | None = None,
    client_id: uuid.UUID | None = None,
    q: Annotated[str | None, Query(max_length=200, pattern=NO_NUL_PATTERN, description="Part of the name or product")] = None,
    cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[ProjectOut] | Page[ClientProjectOut]:
    if principal.is_partner and Scope.read_projects not in principal.scopes:
        raise Forbidden(f"this API key lacks the scope {Scope.read_projects}", required_scope=Scope.read_projects)
    page = await service.list_projects(session, principal, status=status, director_id=director_id,
                                       client_id=client_id, q=q, cursor=cursor, limit=limit)
    if rule.is_client_user(principal):
        return Page[ClientProjectOut](items=[ClientProjectOut.model_validate(p) for p in page.items],
                                      next_cursor=page.next_cursor)
    return Page[ProjectOut](items=[ProjectOut.model_validate(p) for p in page.items], next_cursor=page.next_cursor)


@router.get(
    "/limits", summary="The input limits of a project's settings, kickoff items and assignments",
    description="Dotted field paths as in `errors[].field` (`*`: any item of a list) → their limits (`max_length`, "
                "`max_items`, `minimum`, …): PATCH /v1/projects/{id} fields as they are, a kickoff item's under "
                "`kickoff_item.`, an assignment's under `assignment.`, a script's (variant or version) under "
                "`script.`, a contract change's under `contract_change.`, an end-of-day report's under "
                "`daily_report.`. Clients show them before a save is refused; "
                "the API stays the judge. Served in every environment (the OpenAPI document may not be).",
    responses=problem_responses(401),
)
async def project_limits(principal: CurrentPrincipal) -> dict[str, dict[str, int | float]]:
    return PROJECT_LIMITS


@router.get("/{project_id}", summary="Get a project", description=CLIENT_USER_VIEW,
            response_model=ProjectOut | ClientProjectOut, responses=problem_responses(401, 403, 404))
async def get_project(project: ReadableProject, principal: CurrentPrincipal,
                      response: Response) -> ProjectOut | ClientProjectOut:
    set_etag(response, project.version)
    return _view(principal, project)


@router.patch("/{project_id}", summary="Update a project (send If-Match to avoid lost updates)",
              response_model=ProjectOut, responses=problem_responses(401, 403, 404, 412, 422))
async def update_project(
    project_id: ProjectID, body: ProjectUpdate, principal: CurrentPrincipal, session: SessionDep,
    request: Request, response: Response,
) -> ProjectOut:
    return _out(await service.update_project(session, principal, request, project_id, body), response)


@router.post("/{project_id}/transitions", summary="Change the project's status",
             description="draft → kickoff → active ⇄ paused → ended. An illegal transition is 409 with `allowed`; "
                         "`active` needs every required kickoff item agreed (409 with `missing_kickoff_items`).",
             response_model=ProjectOut, responses=problem_responses(401, 403, 404, 409, 412, 422))
async def transition_project(
    project: ManagedProject, body: TransitionRequest, principal: CurrentPrincipal, session: SessionDep,
    request: Request, response: Response,
) -> ProjectOut:
    check_if_match(request, project.version)
    return _out(await lifecycle.transition(session, principal, project, body.to), response)


@router.get("/{project_id}/kickoff-items", summary="The kickoff checklist", response_model=KickoffChecklist,
            responses=problem_responses(401, 403, 404))
async def get_kickoff_checklist(project: ReadableProject, session: SessionDep) -> KickoffChecklist:
    items = await kickoff.list_items(session, project.id)
    missing = kickoff.missing_required(items)
    return KickoffChecklist(items=[KickoffItemOut.model_validate(i) for i in items],
                            ready_for_active=not missing, missing=missing)


@router.post("/{project_id}/kickoff-items", status_code=201, summary="Add an item to the kickoff checklist",
             response_model=KickoffItemOut, responses=problem_responses(401, 403, 404, 409, 422))
async def add_kickoff_item(
    project: ManagedProject, body: KickoffItemCreate, principal: CurrentPrincipal, session: SessionDep, response: Response
) -> KickoffItemOut:
    item = await kickoff.add_item(session, principal, project, body)
    set_etag(response, item.version)
    return KickoffItemOut.model_validate(item)


@router.patch("/{project_id}/kickoff-items/{key}", summary="Agree (or un-agree) a kickoff item, or change its value",
              response_model=KickoffItemOut, responses=problem_responses(401, 403, 404, 412, 422))
async def update_kickoff_item(
    project: ManagedProject, key: Annotated[str, Path(max_length=64, pattern=r"^[a-z][a-z0-9_]*$")],
    body: KickoffItemUpdate, principal: CurrentPrincipal, session: SessionDep, request: Request, response: Response,
) -> KickoffItemOut:
    item = await kickoff.update_item(session, principal, request, project, key, body)
    set_etag(response, item.version)
    return KickoffItemOut.model_validate(item)


@router.post("/{project_id}/contract-changes", status_code=201,
             summary="Record a contract change: renewal, upsell, downsell or end",
             description="Updates the project's terms (contract_end, contracted_monthly_hours) in the same transaction.",
             response_model=ContractChangeOut, responses=problem_responses(401, 403, 404, 422))
async def record_contract_change(
    project: ManagedProject, body: ContractChangeCreate, principal: CurrentPrincipal, session: SessionDep,
    request: Request, idempotency_key: IdempotencyKeyHeader = None,
) -> ContractChangeOut | JSONResponse:
    async def create() -> ContractChangeOut:
        return ContractChangeOut.model_validate(await contracts.record_change(session, principal, project, body))

    return await idempotent_create(session, request, principal, create)


@router.get("/{project_id}/contract-changes", summary="The project's contract changes, oldest first",
            response_model=Page[ContractChangeOut], responses=problem_responses(401, 403, 404, 422))
async def list_contract_changes(
    project: ReadableProject, session: SessionDep,
    kind: ContractChangeKind | None = None, cursor: CursorQuery = None, limit: LimitQuery = DEFAULT_LIMIT,
) -> Page[ContractChangeOut]:
    page = await contracts.list_changes(session, project.id, kind=kind, cursor=cursor, limit=limit)
    return Page[ContractChangeOut](items=[ContractChangeOut.model_validate(c) for c in page.items],
                                   next_cursor=page.next_cursor)
