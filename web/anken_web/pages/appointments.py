"""Appointments of a project: hand-off status and the outcome the client reported.

Each row is one form for PATCH /v1/appointments/{id}: the hand-off change (only those the API lists in
`allowed_handoff_statuses`), the new meeting time of a reschedule (datetime-local in the project's time
zone), the client's verdict with the reason of an unqualified one (the project's `unqualified_reasons`),
and the client's deal (amount, stage). A refusal shows the page again with what was typed on that row and
a sentence next to the refused field.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from anken_web.api_client import ApiError
from anken_web.error_messages import describe
from anken_web.field_errors import Gettext, Refusal, field_errors_of
from anken_web.form_values import form_of, local_to_iso, version_header, whole_number
from anken_web.pages.form_refusals import banner, sentence
from anken_web.rendering import View, roles
from anken_web.vocabulary import CLIENT_DEAL_STAGES, HANDOFF_STATUSES, PARTNER_OUTCOMES

router = APIRouter(include_in_schema=False)
StaffView = Annotated[View, Depends(roles("director", "manager", "admin"))]

# A row's form field → its label (msgid); the API's `deal.amount` / `deal.stage` → deal_amount / deal_stage.
ROW_FIELDS = {"status": "Hand-off status", "meeting_at": "New meeting time", "outcome": "Client-reported outcome",
              "unqualified_reason": "Unqualified reason", "deal_amount": "Client's deal amount (yen)",
              "deal_stage": "Client's deal stage"}
ALIASES = {"handoff_status": "status", "partner_outcome": "outcome", "amount": "deal_amount", "stage": "deal_stage",
           "deal": "deal_amount"}


def local_input(value: str | None, tz: str) -> str:
    """An ISO 8601 moment as the value of an <input type=datetime-local> in the project's time zone."""
    if not value:
        return ""
    return datetime.fromisoformat(value).astimezone(ZoneInfo(tz)).strftime("%Y-%m-%dT%H:%M")


def locate(api_field: str) -> tuple[str, int | None, str | None] | None:
    """The row's form field an API field (`deal.amount`, `partner_outcome`, …) means."""
    parts = api_field.split(".")
    for candidate in (api_field, parts[-1], parts[0]):
        name = ALIASES.get(candidate, candidate)
        if name in ROW_FIELDS:
            return name, None, None
    return None


def row_sentence(refusal: Refusal, _: Gettext) -> str:
    """The rule a refused row field broke, in the user's language."""
    label = _(ROW_FIELDS[refusal.field])
    message = refusal.message.lower()
    if refusal.field == "unqualified_reason" and "required" in message:
        return _("%(label)s: choose the reason the client gave for an unqualified appointment.", label=label)
    if refusal.field == "unqualified_reason" and "one of" in message:
        return _("%(label)s: choose one of the project's reasons.", label=label)
    if refusal.field == "meeting_at" and "required" in message:
        return _("%(label)s: enter the new meeting date and time to reschedule.", label=label)
    if refusal.field == "meeting_at" and "past" in message:
        return _("%(label)s: choose a time in the future.", label=label)
    if refusal.field == "meeting_at" and "still set" in message:
        return _("%(label)s: only a scheduled meeting (or one being rescheduled) can move.", label=label)
    if refusal.field == "outcome" and "held" in message:
        return _("%(label)s: the client reports an outcome only for a held meeting.", label=label)
    if refusal.field == "outcome" and "deal" in message:
        return _("%(label)s: this appointment already became a deal.", label=label)
    if refusal.field == "status" and "was held" in message:
        return _("%(label)s: the client already reported an outcome, so the meeting was held.", label=label)
    if refusal.field == "deal_amount" and "qualified" in message:
        return _("%(label)s: only a qualified appointment becomes a deal.", label=label)
    if refusal.field == "deal_amount" and refusal.kind.startswith(("int", "greater", "less")):
        return _("%(label)s: enter a whole number of yen from 0.", label=label)
    return sentence(refusal, _, label)


def row_body(form: dict[str, str], tz: str) -> dict[str, Any]:
    """The PATCH body a row's form asks for; what was not chosen is left out."""
    body: dict[str, Any] = {}
    status = form.get("status", "")
    if status and status != form.get("status_was"):
        body["handoff_status"] = status
    meeting = form.get("meeting_at", "").strip()
    if meeting and (status == "rescheduled" or (status == "set" and meeting != form.get("meeting_at_was"))):
        body["meeting_at"] = local_to_iso(meeting, tz) or meeting
    outcome = form.get("outcome", "")
    if outcome:
        body["partner_outcome"] = outcome
        if outcome == "unqualified" and form.get("unqualified_reason"):
            body["unqualified_reason"] = form["unqualified_reason"]
    amount = form.get("deal_amount", "").replace(",", "").strip()
    if amount:
        body["deal"] = {"amount": whole_number(amount), "stage": form.get("deal_stage") or "proposal"}
    return body


async def render_appointments(view: View, project_id: str, filters: dict[str, str], cursor: str = "",
                              row: dict[str, Any] | None = None, error: str | None = None, status_code: int = 200) -> Response:
    """The list; `row`: a refused row's form as typed and its refusals ({"id", "form", "field_errors"})."""
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    page = await view.api.get("projects", "/v1/appointments", project_id=project_id, status=filters["status"],
                              partner_outcome=filters["outcome"], cursor=cursor, limit=50)
    tz = project.get("timezone") or "Asia/Tokyo"
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return view.render("projects/appointments.html", status_code=status_code, project=project, page=page,
                       filters=filters, statuses=HANDOFF_STATUSES, outcomes=PARTNER_OUTCOMES,
                       deal_stages=CLIENT_DEAL_STAGES, reasons=project.get("unqualified_reasons") or [],
                       meeting_inputs={a["id"]: local_input(a.get("meeting_at"), tz) for a in page["items"]},
                       row=row or {"id": None, "form": {}, "field_errors": {}}, error=error,
                       attempt=uuid.uuid4().hex, next_cursor=page.get("next_cursor"), query_without_cursor=query)


@router.get("/projects/{project_id}/appointments")
async def appointments(view: StaffView, project_id: str, status: str = "", outcome: str = "", cursor: str = "") -> Response:
    return await render_appointments(view, project_id, {"status": status, "outcome": outcome}, cursor)


@router.post("/projects/{project_id}/appointments/{appointment_id}")
async def update_appointment(view: StaffView, project_id: str, appointment_id: str, request: Request) -> Response:
    form = await form_of(request)
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    body = row_body(form, project.get("timezone") or "Asia/Tokyo")
    headers = {**(version_header(form.get("version", "")) or {}),
               "Idempotency-Key": form.get("attempt") or uuid.uuid4().hex}
    try:
        await view.api.patch("projects", f"/v1/appointments/{appointment_id}", json=body, headers=headers)
    except ApiError as exc:
        errors = field_errors_of(exc, view._, locate, row_sentence)
        if not errors:
            return view.redirect(f"/projects/{project_id}/appointments", error=describe(exc, view._))
        filters = {"status": form.get("filter_status", ""), "outcome": form.get("filter_outcome", "")}
        return await render_appointments(view, project_id, filters, row={
            "id": appointment_id, "form": form, "field_errors": errors}, error=banner(exc, errors, view._),
            status_code=422)
    return view.redirect(f"/projects/{project_id}/appointments", flash=view._("Saved."))
