"""/v1/appointments: what the call floor set, for staff and for the client's partner key."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from anken_common.problems import UnprocessableEntity, problem_responses
from anken_projects.appointments import service
from anken_projects.appointments.access import appointment_views
from anken_projects.appointments.models import HandoffStatus, PartnerOutcome
from anken_projects.appointments.schemas import AppointmentOut, AppointmentPage, AppointmentUpdate
from anken_projects.auth.dependencies import CurrentPrincipal
from anken_projects.auth.scopes import Scope
from anken_projects.db import SessionDep
from anken_projects.kit.etag import check_if_match, set_etag
from anken_projects.kit.idempotent_create import IdempotencyKeyHeader, idempotent_create
from anken_projects.kit.pagination import CursorQuery, LimitQuery

router = APIRouter(prefix="/v1/appointments", tags=["appointments"])


@router.get("", response_model=AppointmentPage,
            summary="List appointments (partner keys and client users: their client's only)",
            description="Sorted by `set_at` then id, oldest first (`order=-set_at`: newest first); `from` is inclusive "
                        "and `to` exclusive on `set_at`. Partner keys "
                        "need the scope read:appointments. Each carries the meeting time, the company, the "
                        "qualification (BANT) fields and the member's note; `member_id` and `member_name` are null "
                        "for the client's people (client users, partner keys) unless the project's "
                        "`client_sees_member_names` is true.",
            responses=problem_responses(401, 403, 422))
async def list_appointments(
    principal: CurrentPrincipal, session: SessionDep,
    project_id: Annotated[uuid.UUID | None, Query()] = None,
    status: Annotated[HandoffStatus | None, Query(description="Hand-off status")] = None,
    partner_outcome: Annotated[PartnerOutcome | None, Query()] = None,
    from_: Annotated[datetime | None, Query(alias="from", description="set_at ≥ this (ISO 8601 with offset)")] = None,
    to: Annotated[datetime | None, Query(description="set_at < this")] = None,
    order: Annotated[Literal["set_at", "-set_at"], Query(
        description="`set_at` oldest first (default), `-set_at` newest first")] = "set_at",
    cursor: CursorQuery = None, limit: LimitQuery = 50,
) -> AppointmentPage:
    for name, value in (("from", from_), ("to", to)):
        if value is not None and value.tzinfo is None:
            raise UnprocessableEntity(name, "must carry a UTC offset, e.g. 2026-11-01T00:00:00+09:00")
    page = await service.list_appointments(session, principal, project_id=project_id, status=status,
                                           outcome=partner_outcome, from_=from_, to=to, cursor=cursor, limit=limit,
                                           newest_first=order == "-set_at")
    return AppointmentPage(items=await appointment_views(session, principal, page.items), next_cursor=page.next_cursor)


@router.get("/{appointment_id}", response_model=AppointmentOut, summary="An appointment",
            description="Another client's appointment is 404 to a partner key or client user. The member who set it "
                        "is shown as in the list.",
            responses=problem_responses(401, 403, 404))
async def get_appointment(appointment_id: uuid.UUID, principal: CurrentPrincipal, session: SessionDep,
                          response: Response) -> AppointmentOut:
    appointment = await service.get_appointment(session, principal, appointment_id, scope=Scope.read_appointments)
    set_etag(response, appointment.version)
    return (await appointment_views(session, principal, [appointment]))[0]


@router.patch(
    "/{appointment_id}", response_model=AppointmentOut,
    summary="Report the hand-off (held / no_show / rescheduled / cancelled), the client's outcome and the client's deal",
    description=(
        "Partner keys need the scope write:appointment_outcomes. Client users (of the appointment's client; any "
        "other is 404) report the client-side feedback only: `handoff_status`, `meeting_at` (with rescheduled), "
        "`partner_outcome`, `unqualified_reason` and `deal`; any other field sent with a value (e.g. `note`) is 422 "
        "naming it. `rescheduled` needs `meeting_at` (the new time) "
        "and puts the appointment back to set. `partner_outcome` applies to held meetings; `unqualified` needs "
        "`unqualified_reason` from the project's `unqualified_reasons`. `deal` (amount in yen, stage) applies to "
        "qualified ones: it is the client's deal, kept on the appointment and never in the agency's pipeline. "
        "Each change is an event (appointment.held, .no_show, .rescheduled, .cancelled, .qualified, .unqualified, "
        ".client_deal_reported) naming who made it (actor_type, actor_id, actor_role). Send `If-Match` with the ETag you read to avoid overwriting a newer change (412), "
        "and `Idempotency-Key` to retry safely (a retry replays the first answer)."
    ),
    responses=problem_responses(401, 403, 404, 409, 412, 422),
)
async def update_appointment(appointment_id: uuid.UUID, body: AppointmentUpdate, request: Request,
                             principal: CurrentPrincipal, session: SessionDep, response: Response,
                             idempotency_key: IdempotencyKeyHeader = None) -> AppointmentOut | JSONResponse:
    async def update() -> AppointmentOut:
        appointment = await service.get_appointment(session, principal, appointment_id,
                                                    scope=Scope.write_appointment_outcomes, for_update=True)
        check_if_match(request, appointment.version)
        appointment = await service.update_appointment(session, principal, appointment, body)
        set_etag(response, appointment.version)
        return (await appointment_views(session, principal, [appointment]))[0]

    return await idempotent_create(session, request, principal, update, status_code=200)
