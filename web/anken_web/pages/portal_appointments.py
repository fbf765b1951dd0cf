"""The client portal's appointments (/client/projects/{id}/appointments): every appointment set for the client,
with the meeting time in the project's time zone, the agreed qualification (BANT) answers, the member's note,
the member's name only where the project allows it (the API leaves it out otherwise), the hand-off status and
the client's outcome; a CSV of the same list.

Each row is the client's feedback form for PATCH /v1/appointments/{id}, sent as the client user: held, no-show,
rescheduled (with the new time) or cancelled; qualified, or unqualified with one of the project's reasons; and
the deal a qualified one became (amount, stage). The body, the refusals' wording and where each refusal sits
are the staff page's (pages/appointments.py), so both say the same thing about the same rule.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Request
from starlette.responses import Response

from anken_common.cell_safety import neutralise_row
from anken_web.api_client import ApiError
from anken_web.error_messages import describe
from anken_web.field_errors import field_errors_of
from anken_web.form_values import form_of, version_header
from anken_web.formatting import Formatter
from anken_web.pages.appointments import local_input, locate, row_body, row_sentence
from anken_web.pages.form_refusals import banner
from anken_web.pages.portal_common import PortalView, month_of, project_of, staff_elsewhere, timezone_of
from anken_web.rendering import View
from anken_web.vocabulary import (
    CLIENT_DEAL_STAGES,
    HANDOFF_STATUSES,
    PARTNER_OUTCOMES,
    QUALIFICATION_FIELDS,
    field_label_of,
    label_of,
)

router = APIRouter(include_in_schema=False)
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
PAGE_SIZE = 50
EXPORT_PAGE_SIZE, EXPORT_MAX_PAGES = 200, 50


def filters_of(status: str, month: str) -> dict[str, str]:
    """The list's filters as asked; an unknown status or a malformed month is dropped."""
    return {"status": status if status in HANDOFF_STATUSES else "", "month": month if MONTH.match(month) else ""}


def list_params(project: dict[str, Any], filters: dict[str, str]) -> dict[str, Any]:
    """GET /v1/appointments's query for the filters: the month is the month the appointments were set in,
    from its first midnight to the next month's, in the project's time zone. Newest first: a buyer looks for
    the latest appointments."""
    params: dict[str, Any] = {"project_id": project["id"], "status": filters["status"], "order": "-set_at"}
    if filters["month"]:
        zone = ZoneInfo(timezone_of(project))
        first, after = month_of(date.fromisoformat(filters["month"] + "-01"))
        params["from"] = datetime.combine(first, time(), zone).isoformat()
        params["to"] = datetime.combine(after, time(), zone).isoformat()
    return params


def list_url(project_id: str, filters: dict[str, str]) -> str:
    query = urlencode({k: v for k, v in filters.items() if v})
    return f"/client/projects/{project_id}/appointments" + (f"?{query}" if query else "")


async def render_list(view: View, project: dict[str, Any], filters: dict[str, str], cursor: str = "",
                      row: dict[str, Any] | None = None, error: str | None = None, status_code: int = 200) -> Response:
    """The list; `row`: a refused row's form as typed and its refusals ({"id", "form", "field_errors"})."""
    page = await view.api.get("projects", "/v1/appointments", cursor=cursor, limit=PAGE_SIZE,
                              **list_params(project, filters))
    tz = timezone_of(project)
    return view.render(
        "client/appointments.html", status_code=status_code, project=project, page=page, filters=filters,
        statuses=HANDOFF_STATUSES, outcomes=PARTNER_OUTCOMES, deal_stages=CLIENT_DEAL_STAGES,
        reasons=project.get("unqualified_reasons") or [], tz=tz, project_fmt=Formatter(view.locale, tz), columns=qualification_columns(project, page["items"]),
        meeting_inputs={a["id"]: local_input(a.get("meeting_at"), tz) for a in page["items"]},
        row=row or {"id": None, "form": {}, "field_errors": {}}, error=error, attempt=uuid.uuid4().hex,
        next_cursor=page.get("next_cursor"), query_without_cursor=urlencode({k: v for k, v in filters.items() if v}),
        csv_url=list_url(project["id"], filters).replace("/appointments", "/appointments.csv", 1))


@router.get("/client/projects/{project_id}/appointments")
async def client_appointments(view: PortalView, project_id: str, status: str = "", month: str = "",
                              cursor: str = "") -> Response:
    if (elsewhere := staff_elsewhere(view)) is not None:
        return elsewhere
    project = await project_of(view, project_id)
    return await render_list(view, project, filters_of(status, month), cursor)


@router.post("/client/projects/{project_id}/appointments/{appointment_id}")
async def report_outcome(view: PortalView, project_id: str, appointment_id: str, request: Request) -> Response:
    if (elsewhere := staff_elsewhere(view)) is not None:
        return elsewhere
    form = await form_of(request)
    project = await project_of(view, project_id)
    filters = filters_of(form.get("filter_status", ""), form.get("filter_month", ""))
    headers = {**(version_header(form.get("version", "")) or {}),
               "Idempotency-Key": form.get("attempt") or uuid.uuid4().hex}
    try:
        await view.api.patch("projects", f"/v1/appointments/{appointment_id}", json=row_body(form, timezone_of(project)),
                             headers=headers)
    except ApiError as exc:
        errors = field_errors_of(exc, view._, locate, row_sentence)
        if not errors:
            return view.redirect(list_url(project_id, filters), error=describe(exc, view._))
        return await render_list(view, project, filters, row={"id": appointment_id, "form": form, "field_errors": errors},
                                 error=banner(exc, errors, view._), status_code=422)
    return view.redirect(list_url(project_id, filters), flash=view._("Saved. Thank you for the feedback."))


def qualification_columns(project: dict[str, Any], items: list[dict[str, Any]]) -> list[str]:
    """The qualification (BANT) answers the list shows: the project's agreed fields, in the order of the form,
    then any other answer an appointment carries."""
    agreed = [f for f in QUALIFICATION_FIELDS if f in (project.get("qualification_fields") or [])]
    return list(dict.fromkeys([*agreed, *(k for a in items for k in (a.get("qualification") or {}))]))


def csv_rows(view: View, project: dict[str, Any], items: list[dict[str, Any]]) -> list[list[Any]]:
    """The export's rows, in the page's language; text cells are neutralised (never run as a formula)."""
    _ = view._
    fields = qualification_columns(project, items)
    with_members = any(a.get("member_name") for a in items)
    header = [_("Meeting"), _("Company"), _("Contact person"), *(field_label_of(f, _) for f in fields), _("Note"),
              *([_("Member")] if with_members else []), _("Hand-off status"), _("Client-reported outcome"),
              _("Unqualified reason"), _("Client's deal amount (yen)"), _("Client's deal stage")]
    rows: list[list[Any]] = [header]
    project_fmt = Formatter(view.locale, timezone_of(project))
    for a in items:
        rows.append(neutralise_row([
            project_fmt.dt(a.get("meeting_at")), a.get("company_name") or "",
            " ".join(filter(None, (a.get("contact_name"), a.get("contact_title")))),
            *((a.get("qualification") or {}).get(f, "") for f in fields), a.get("note") or "",
            *([a.get("member_name") or ""] if with_members else []), label_of(a.get("handoff_status"), _),
            label_of(a.get("partner_outcome"), _) if a.get("partner_outcome") else "", a.get("unqualified_reason") or "",
            a.get("deal_amount") if a.get("deal_amount") is not None else "",
            label_of(a.get("deal_stage"), _) if a.get("deal_stage") else "",
        ]))
    return rows


@router.get("/client/projects/{project_id}/appointments.csv")
async def export_appointments(view: PortalView, project_id: str, status: str = "", month: str = "") -> Response:
    if (elsewhere := staff_elsewhere(view)) is not None:
        return elsewhere
    project = await project_of(view, project_id)
    filters = filters_of(status, month)
    items: list[dict[str, Any]] = []
    cursor = ""
    for _page in range(EXPORT_MAX_PAGES):
        page = await view.api.get("projects", "/v1/appointments", cursor=cursor, limit=EXPORT_PAGE_SIZE,
                                  **list_params(project, filters))
        items.extend(page.get("items", []))
        cursor = page.get("next_cursor") or ""
        if not cursor:
            break
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(csv_rows(view, project, items))
    # UTF-8 with BOM: Japanese Excel opens it as UTF-8.
    name = f"appointments-{filters['month'] or 'all'}.csv"
    return Response(("\ufeff" + out.getvalue()).encode("utf-8"), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
