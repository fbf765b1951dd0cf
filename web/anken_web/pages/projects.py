"""Projects: the list, and the project page (KPIs with period picker and comparison, charts,
members, A/B panel, kickoff checklist, contract history, integration links)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from anken_web import appointment_quality, charts, periods
from anken_web.api_client import ApiError
from anken_web.error_messages import describe
from anken_web.form_values import form_of, version_header, whole_number
from anken_web.i18n.extraction import N_
from anken_web.input_limits import input_limits
from anken_web.pages import project_settings_fields as setting_fields
from anken_web.pages.form_refusals import banner, limits_under, refusals_of
from anken_web.pages.project_settings import may_manage
from anken_web.rendering import UserView, View, roles
from anken_web.vocabulary import CONTRACT_CHANGES

router = APIRouter(include_in_schema=False)
StaffView = Annotated[View, Depends(roles("director", "manager", "admin"))]
DirectorView = Annotated[View, Depends(roles("director", "admin"))]

# The project forms' fields → their labels, for the refusals next to the fields.
NEW_PROJECT_FIELDS = {
    "client_id": N_("Client"), "name": N_("Project name"), "product": N_("Product"), "director_id": N_("Director"),
    "monthly_appointment_target": N_("Monthly appointment target"),
    "contracted_monthly_hours": N_("Contracted monthly hours"), "qualification_fields": N_("Qualification fields"),
}
NEW_ASSIGNMENT_FIELDS = {"member_id": N_("Member"), "planned_hours": N_("Planned hours")}
CONTRACT_CHANGE_FIELDS = {"kind": N_("Change"), "effective_date": N_("Effective"),
                          "new_contract_end": N_("New contract end (renewal)"), "hours_after": N_("Hours after"),
                          "note": N_("Note")}
PROJECT_STATUSES = (N_("draft"), N_("kickoff"), N_("active"), N_("paused"), N_("ended"))
KPI_FIGURES = (
    ("calls", N_("Calls"), "num"), ("contacts", N_("Contacts"), "num"), ("appointments", N_("Appointments"), "num"),
    ("contact_rate", N_("Contact rate"), "pct"), ("contact_to_appointment_rate", N_("Contact-to-appointment rate"), "pct"),
    ("appointment_rate", N_("Appointment rate"), "pct"), ("appointments_per_hour", N_("Appointments per hour"), "num2"),
)
MONTH_FIGURES = (
    ("progress_rate", N_("Progress rate"), "pct"), ("pace", N_("Pace"), "num2"),
    ("projected_month_end", N_("Projected month end"), "num1"), ("list_exhaustion_date", N_("List runs out"), "date"),
)


def query_without_cursor(params: dict[str, Any]) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "") and k != "cursor"})


async def new_project_choices(view: View) -> dict[str, Any]:
    """Clients and directors for the new-project form (directors create their own projects)."""
    if view.session.role not in ("director", "admin"):
        return {"clients": [], "directors": []}
    clients, directors = await asyncio.gather(
        view.api.try_get("projects", "/v1/clients", default={"items": []}, limit=200),
        view.api.try_get("projects", "/v1/users", default={"items": []}, role="director", limit=200),
    )
    return {"clients": (clients or {}).get("items", []), "directors": (directors or {}).get("items", [])}


@router.get("/projects")
async def project_list(view: UserView, q: str = "", status: str = "", cursor: str = "") -> Response:
    return await render_project_list(view, q, status, cursor)


async def render_project_list(view: View, q: str = "", status: str = "", cursor: str = "",
                              error: str | None = None, form: dict[str, Any] | None = None,
                              field_errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    page = await view.api.get("projects", "/v1/projects", q=q, status=status, cursor=cursor, limit=50)
    filters = {"q": q, "status": status}
    return view.render("projects/list.html", status_code=status_code, page=page, filters=filters,
                       statuses=PROJECT_STATUSES, next_cursor=page.get("next_cursor"),
                       query_without_cursor=query_without_cursor(filters), error=error, form=form or {},
                       field_errors=field_errors or {}, **await new_project_choices(view))


@router.post("/projects")
async def create_project(view: DirectorView, request: Request) -> Response:
    form = await form_of(request)
    body: dict[str, Any] = {
        "client_id": form.get("client_id"), "name": form.get("name", "").strip(),
        "product": form.get("product", "").strip() or None,
        "director_id": view.user.get("id") if view.session.role == "director" else (form.get("director_id") or None),
        "qualification_fields": [f.strip() for f in form.get("qualification_fields", "").replace("、", ",").split(",")
                                 if f.strip()],
    }
    for field in ("monthly_appointment_target", "contracted_monthly_hours"):
        value = form.get(field, "").strip()
        if value:
            body[field] = whole_number(value)
    try:
        created = await view.api.request("projects", "POST", "/v1/projects", json=body,
                                         headers={"Idempotency-Key": form.get("attempt") or uuid.uuid4().hex})
    except ApiError as exc:
        errors = refusals_of(exc, view._, NEW_PROJECT_FIELDS,
                             limits=await input_limits(view, setting_fields.PROJECT_LIMITS))
        return await render_project_list(view, error=banner(exc, errors, view._), form=form, field_errors=errors,
                                         status_code=exc.status if exc.status in (403, 409, 422) else 502)
    return view.redirect(f"/projects/{created['id']}", flash=view._("Project %(name)s created. Agree the kickoff items next.",
                                                                  name=created["name"]))


@router.post("/projects/{project_id}/assignments")
async def assign_member(view: DirectorView, project_id: str, member_id: Annotated[str, Form()] = "",
                        planned_hours: Annotated[str, Form()] = "0") -> Response:
    body = {"member_id": member_id, "planned_hours": whole_number(planned_hours)}
    try:
        await view.api.post("projects", f"/v1/projects/{project_id}/assignments", json=body)
    except ApiError as exc:
        limits = limits_under(await input_limits(view, setting_fields.PROJECT_LIMITS), "assignment.")
        errors = refusals_of(exc, view._, NEW_ASSIGNMENT_FIELDS, limits=limits)
        if not errors:
            return view.redirect(f"/projects/{project_id}#members-title", error=describe(exc, view._))
        return await render_project_page(view, project_id, status_code=422, new_assignment_errors=errors,
                                         new_assignment={"member_id": member_id, "planned_hours": planned_hours})
    return view.redirect(f"/projects/{project_id}#members-title", flash=view._("The member is assigned."))


async def kpi_context(view: View, project: dict[str, Any], preset: str | None, start: str | None, end: str | None) -> dict[str, Any]:
    tz = project.get("timezone") or "Asia/Tokyo"
    first, after, chosen = periods.resolve(preset, start, end, tz)
    pid = project["id"]
    span = {"from": first.isoformat(), "to": after.isoformat()}
    # One call gives the totals, the previous period and the daily groups; one more the members.
    # reporting-api learns of a new project from its events a moment later: until then the page
    # renders without figures rather than failing.
    current, by_member = await asyncio.gather(
        view.api.try_get("reporting", f"/v1/projects/{pid}/kpis", group_by="day", **span),
        view.api.try_get("reporting", f"/v1/projects/{pid}/kpis", group_by="member", **span),
    )
    figures_pending = current is None
    current = current or {}
    days = current.get("groups", [])
    trend = charts.bar_chart([str(g.get("key"))[5:] for g in days], [g.get("calls") for g in days],
                             line=[g.get("appointments") for g in days])
    funnel = charts.funnel([(view._("Calls"), current.get("calls")), (view._("Contacts"), current.get("contacts")),
                            (view._("Appointments"), current.get("appointments"))])
    return {
        "kpis": current, "previous": current.get("previous") or {}, "trend": trend, "funnel": funnel,
        "members": (by_member or {}).get("groups", []), "preset": chosen, "presets": periods.PRESETS,
        "period_from": first, "period_to": after, "previous_from": periods.previous(first, after)[0],
        "kpi_figures": KPI_FIGURES, "month_figures": MONTH_FIGURES, "figures_pending": figures_pending,
    }


async def assignable_members(view: View) -> dict[str, Any]:
    """Active members a director may assign (others do not see the form)."""
    if view.session.role not in ("director", "admin"):
        return {"items": []}
    members: dict[str, Any] = await view.api.try_get("projects", "/v1/users", default={"items": []}, role="member",
                                                     is_active="true", limit=200)
    return members


async def project_context(view: View, project_id: str) -> dict[str, Any]:
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    kickoff, contracts, assignments, members, limits = await asyncio.gather(
        view.api.try_get("projects", f"/v1/projects/{project_id}/kickoff-items", default=None),
        view.api.try_get("projects", f"/v1/projects/{project_id}/contract-changes", default={"items": []}),
        view.api.try_get("projects", f"/v1/projects/{project_id}/assignments", default={"items": []}),
        assignable_members(view), input_limits(view, setting_fields.PROJECT_LIMITS),
    )
    return {"project": project, "kickoff": kickoff, "contracts": (contracts or {}).get("items", []),
            "assignments": (assignments or {}).get("items", []), "contract_kinds": CONTRACT_CHANGES,
            "assignable": (members or {}).get("items", []),
            "attempt": uuid.uuid4().hex, "may_manage": may_manage(view, project),
            "kickoff_value": setting_fields.kickoff_value(limits),
            "new_assignment": {}, "new_assignment_errors": {}, "contract_typed": {}, "contract_errors": {},
            "contract_note_limit": limits.max_length("contract_change.note"), "quality_period": "month"}


@router.get("/projects/{project_id}")
async def project_page(view: StaffView, project_id: str, preset: str | None = None,
                       start: str | None = None, end: str | None = None, quality_period: str = "") -> Response:
    return await render_project_page(view, project_id, preset, start, end,
                                     quality_period=quality_period if quality_period in appointment_quality.PERIODS
                                     else "month")


async def render_project_page(view: View, project_id: str, preset: str | None = None, start: str | None = None,
                              end: str | None = None, status_code: int = 200, **extra: object) -> Response:
    context = await project_context(view, project_id)
    context.update(await kpi_context(view, context["project"], preset, start, end))
    context.update(extra)
    return view.render("projects/page.html", status_code=status_code, **context)


@router.get("/projects/{project_id}/kpis")
async def kpi_fragment(view: StaffView, project_id: str, preset: str | None = None,
                       start: str | None = None, end: str | None = None) -> Response:
    if not view.is_htmx:
        # The period picker pushes this URL into the history; a reload gets the whole page.
        return view.redirect(f"/projects/{project_id}?{view.request.url.query}")
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    return view.render("projects/kpis.html", project=project, **await kpi_context(view, project, preset, start, end))


@router.get("/projects/{project_id}/ab")
async def ab_fragment(view: StaffView, project_id: str, preset: str | None = None) -> Response:
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    first, after, chosen = periods.resolve(preset, None, None, project.get("timezone") or "Asia/Tokyo")
    ab = await view.api.get("reporting", f"/v1/projects/{project_id}/ab-test",
                            **{"from": first.isoformat(), "to": after.isoformat()})
    return view.render("projects/ab.html", project=project, ab=ab, preset=chosen, presets=periods.PRESETS)


@router.get("/projects/{project_id}/quality")
async def quality_fragment(view: StaffView, project_id: str, period: str | None = None) -> Response:
    """The appointment quality panel: project totals and the member ranking for the period chosen."""
    if not view.is_htmx:
        return view.redirect(f"/projects/{project_id}?quality_period={period or ''}#quality-title")
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    first, after, chosen = appointment_quality.period_range(period, project.get("timezone") or "Asia/Tokyo")
    quality = await appointment_quality.load_quality(view.api, project_id, period_from=first, period_to=after,
                                                     with_members=True)
    return view.render("projects/quality.html", project=project, quality=quality, quality_period=chosen,
                       quality_periods=appointment_quality.PERIODS)


@router.post("/projects/{project_id}/kickoff/{key}")
async def agree_kickoff_item(view: DirectorView, project_id: str, key: str,
                             agreed: Annotated[str, Form()] = "", value: Annotated[str, Form()] = "",
                             version: Annotated[str, Form()] = "") -> Response:
    """Agree (or un-agree) an item and save its agreed content; a refusal keeps what was typed.
    Through htmx the answer is the item alone (what is typed in the other items stays) and the
    checklist's readiness out of band; without it, the project page."""
    value_field = setting_fields.kickoff_value(await input_limits(view, setting_fields.PROJECT_LIMITS))
    body: dict[str, Any] = {"agreed": agreed == "on", "value": setting_fields.api_value(value_field, value)}
    item_error, item_errors, typed, conflict, status = None, {}, {}, False, 200
    try:
        await view.api.patch("projects", f"/v1/projects/{project_id}/kickoff-items/{key}", json=body,
                             headers=version_header(version))
    except ApiError as exc:
        typed, status = {key: value}, exc.status if exc.status in (403, 404, 409, 412, 422) else 502
        fields = setting_fields.field_errors_of(exc, view._, {"value": value_field})
        if "value" in fields:
            item_errors = {key: fields["value"]}
        elif exc.status == 412:
            conflict = True
            item_error = view._("Someone else changed this item while you were editing it. Its saved content is shown "
                                "below your text; check it and save again.")
        else:
            item_error = describe(exc, view._)
    refused = bool(item_error or item_errors)
    context: dict[str, Any] = {"kickoff_errors": item_errors, "kickoff_typed": typed, "kickoff_conflict": key if conflict else None,
               "kickoff_problems": {key: item_error} if item_error else {}}
    if not view.is_htmx:
        if not refused:
            return view.redirect(f"/projects/{project_id}#kickoff-title")
        return await render_project_page(view, project_id, status_code=status, **context)
    kickoff = await view.api.get("projects", f"/v1/projects/{project_id}/kickoff-items")
    item = next((i for i in kickoff["items"] if i["key"] == key), None)
    if item is None:
        raise ApiError(404, detail="kickoff item not found", api="projects")
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    return view.render("projects/kickoff_saved.html", project=project, kickoff=kickoff, item=item,
                       may_manage=may_manage(view, project), kickoff_value=value_field, **context)


async def _refused_assignment(view: View, project_id: str, assignment_id: str, message: str,
                              typed: str | None = None, status_code: int = 422) -> Response:
    """The project page again, the refusal in red next to the member's row (and what was typed kept)."""
    return await render_project_page(view, project_id, status_code=status_code,
                                     assignment_errors={assignment_id: message},
                                     assignment_typed={assignment_id: typed} if typed is not None else {})


@router.post("/projects/{project_id}/assignments/{assignment_id}")
async def change_planned_hours(view: DirectorView, project_id: str, assignment_id: uuid.UUID,
                               planned_hours: Annotated[str, Form()] = "", version: Annotated[str, Form()] = "") -> Response:
    hours_field = setting_fields.planned_hours(await input_limits(view, setting_fields.PROJECT_LIMITS))
    body = {"planned_hours": setting_fields.api_value(hours_field, planned_hours)}
    try:
        await view.api.patch("projects", f"/v1/projects/{project_id}/assignments/{assignment_id}", json=body,
                             headers=version_header(version))
    except ApiError as exc:
        fields = setting_fields.field_errors_of(exc, view._, {"planned_hours": hours_field})
        message = fields.get("planned_hours") or describe(exc, view._)
        return await _refused_assignment(view, project_id, str(assignment_id), message, typed=planned_hours,
                                         status_code=exc.status if exc.status in (403, 404, 409, 412, 422) else 502)
    return view.redirect(f"/projects/{project_id}#members-title", flash=view._("The planned hours are saved."))


@router.post("/projects/{project_id}/assignments/{assignment_id}/unassign")
async def unassign_member(view: DirectorView, project_id: str, assignment_id: uuid.UUID,
                          version: Annotated[str, Form()] = "") -> Response:
    try:
        await view.api.request("projects", "DELETE", f"/v1/projects/{project_id}/assignments/{assignment_id}",
                               headers=version_header(version))
    except ApiError as exc:
        return await _refused_assignment(view, project_id, str(assignment_id), describe(exc, view._),
                                         status_code=exc.status if exc.status in (403, 404, 409, 412) else 502)
    return view.redirect(f"/projects/{project_id}#members-title", flash=view._("The member is unassigned."))


@router.post("/projects/{project_id}/contract-changes")
async def record_contract_change(
    view: DirectorView, project_id: str,
    kind: Annotated[str, Form()], effective_date: Annotated[str, Form()],
    new_contract_end: Annotated[str, Form()] = "", hours_after: Annotated[str, Form()] = "",
    scope_increased: Annotated[str, Form()] = "", note: Annotated[str, Form()] = "",
    attempt: Annotated[str, Form()] = "",
) -> Response:
    body: dict[str, Any] = {"kind": kind, "effective_date": effective_date, "scope_increased": scope_increased == "on"}
    if new_contract_end:
        body["new_contract_end"] = new_contract_end
    if hours_after.strip():
        body["hours_after"] = whole_number(hours_after)
    if note.strip():
        body["note"] = note.strip()
    try:
        await view.api.request("projects", "POST", f"/v1/projects/{project_id}/contract-changes", json=body,
                               headers={"Idempotency-Key": attempt} if attempt else None)
    except ApiError as exc:
        limits = limits_under(await input_limits(view, setting_fields.PROJECT_LIMITS), "contract_change.")
        errors = refusals_of(exc, view._, CONTRACT_CHANGE_FIELDS, limits=limits)
        if not errors:
            return view.redirect(f"/projects/{project_id}#contracts-title", error=describe(exc, view._))
        typed = {"kind": kind, "effective_date": effective_date, "new_contract_end": new_contract_end,
                 "hours_after": hours_after, "scope_increased": scope_increased, "note": note, "attempt": attempt}
        return await render_project_page(view, project_id, status_code=422, contract_errors=errors,
                                         contract_typed=typed)
    return view.redirect(f"/projects/{project_id}#contracts-title", flash=view._("The contract change is recorded."))


@router.post("/projects/{project_id}/transition")
async def transition(view: DirectorView, project_id: str, to: Annotated[str, Form()]) -> Response:
    try:
        await view.api.post("projects", f"/v1/projects/{project_id}/transitions", json={"to": to})
    except ApiError as exc:
        return view.redirect(f"/projects/{project_id}", error=describe(exc, view._))
    return view.redirect(f"/projects/{project_id}", flash=view._("The project is now %(status)s.", status=view._(to)))
