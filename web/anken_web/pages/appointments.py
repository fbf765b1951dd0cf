"""Appointments of a project: hand-off status and the outcome the client reported."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form
from starlette.responses import Response

from anken_web.api_client import ApiError
from anken_web.error_messages import describe
from anken_web.form_values import version_header
from anken_web.rendering import View, roles
from anken_web.vocabulary import HANDOFF_STATUSES, PARTNER_OUTCOMES

router = APIRouter(include_in_schema=False)
StaffView = Annotated[View, Depends(roles("director", "manager", "admin"))]


@router.get("/projects/{project_id}/appointments")
async def appointments(view: StaffView, project_id: str, status: str = "", outcome: str = "", cursor: str = "") -> Response:
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    page = await view.api.get("projects", "/v1/appointments", project_id=project_id, status=status,
                              partner_outcome=outcome, cursor=cursor, limit=50)
    filters = {"status": status, "outcome": outcome}
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return view.render("projects/appointments.html", project=project, page=page, filters=filters,
                       statuses=HANDOFF_STATUSES, outcomes=PARTNER_OUTCOMES,
                       next_cursor=page.get("next_cursor"), query_without_cursor=query)


@router.post("/projects/{project_id}/appointments/{appointment_id}")
async def update_appointment(view: StaffView, project_id: str, appointment_id: str,
                             status: Annotated[str, Form()] = "", outcome: Annotated[str, Form()] = "",
                             version: Annotated[str, Form()] = "") -> Response:
    body: dict = {"handoff_status": status} if status else {}
    if outcome:
        body["partner_outcome"] = outcome
    headers = version_header(version)
    try:
        await view.api.patch("projects", f"/v1/appointments/{appointment_id}", json=body, headers=headers)
    except ApiError as exc:
        return view.redirect(f"/projects/{project_id}/appointments", error=describe(exc, view._))
    return view.redirect(f"/projects/{project_id}/appointments", flash=view._("Saved."))
