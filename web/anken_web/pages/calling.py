"""Member calling screen: next target with history, the script to read, one-key outcome logging
(keys 1–7), the appointment form with the project's qualification fields, today's tally and the
end-of-day report. Logging a call and loading the next target is one request from the browser."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from anken_common.call_outcomes import LABELS, CallOutcome
from anken_web import periods
from anken_web.api_client import ApiError
from anken_web.error_messages import describe
from anken_web.form_values import form_of, local_to_iso, whole_number
from anken_web.i18n.extraction import N_
from anken_web.input_limits import CALLS, InputLimits, input_limits
from anken_web.pages.calling_field_errors import field_errors_of, form_limits, refuses_pattern
from anken_web.pages.form_refusals import banner, limits_under, refusals_of
from anken_web.rendering import View, roles

router = APIRouter(include_in_schema=False)
# next-target hands targets to the assigned member making the request, so the screen is for members.
CallerView = Annotated[View, Depends(roles("member"))]

# (key, outcome, label): anken_common's order is the keyboard shortcut, as members learn it; the labels
# are its msgids (i18n.extraction lists them for the catalogs).
OUTCOMES = tuple((str(key), outcome.value, LABELS[outcome]) for key, outcome in enumerate(CallOutcome, start=1))
OUTCOME_NAMES = {outcome for _, outcome, _ in OUTCOMES}
# A wrong key can be taken back this long after the call was logged (the page hides the button then;
# the grace covers the round trip of a press at the last moment).
UNDO_WINDOW_S = 10
UNDO_GRACE_S = 5
# The appointment form's fields that are typed (kept and shown again when the API refuses them).
APPOINTMENT_INPUTS = ("meeting_at", "contact_name", "contact_title")
# The free-text parts of the end-of-day report (日報), as projects-api names them.
REPORT_FIELDS = ("summary", "good_reactions", "objections", "next_actions")
# The end-of-day form's fields → their labels; its limits (projects-api `GET /v1/projects/limits`, under
# `daily_report.`).
REPORT_LABELS = {"hours": N_("Hours worked today"), "summary": N_("Today's summary"),
                 "good_reactions": N_("Good reactions"), "objections": N_("Objections and issues"),
                 "next_actions": N_("Actions for tomorrow")}
PROJECT_LIMITS = ("projects", "/v1/projects/limits")


async def report_limits(view: View) -> InputLimits:
    return limits_under(await input_limits(view, PROJECT_LIMITS), "daily_report.")


def hours_rule(view: View, limits: InputLimits) -> str:
    """What the hours field takes, with the API's bounds when it states them."""
    label, bounds = view._(REPORT_LABELS["hours"]), limits.fields.get("hours", {})
    if "minimum" in bounds and "maximum" in bounds:
        return view._("%(label)s: enter a number from %(min)s to %(max)s, for example 7.5.", label=label,
                      min=f"{bounds['minimum']:g}", max=f"{bounds['maximum']:g}")
    return view._("%(label)s: enter a number, for example 7.5.", label=label)


async def next_target(view: View, project_id: str, skip: str | None = None) -> dict[str, Any]:
    """The leased next target (`target` is None when nothing can be called now) and the script
    pattern Anken assigned to it (`variant`, `script_version_id`; None when members choose)."""
    body = {"skip_target_id": skip} if skip else {}
    result = await view.api.post("projects", f"/v1/projects/{project_id}/next-target", json=body) or {}
    return {key: result.get(key) for key in ("target", "lease_expires_at", "variant", "script_version_id")}


async def active_scripts(view: View, project_id: str) -> list[dict[str, Any]]:
    """Scripts with an active version, as the member picks the one the director gave them."""
    page = await view.api.try_get("projects", f"/v1/projects/{project_id}/scripts", default={"items": []})
    return [s for s in (page or {}).get("items", []) if s.get("active_version")]


async def tally_for_today(view: View, project: dict[str, Any]) -> dict[str, Any]:
    tz = project.get("timezone") or "Asia/Tokyo"
    first, after = periods.preset_range("today", tz)
    kpis = await view.api.try_get(
        "reporting", f"/v1/projects/{project['id']}/kpis",
        **{"from": first.isoformat(), "to": after.isoformat(), "group_by": "member"},
    ) or {}
    mine = next((g for g in kpis.get("groups", []) if str(g.get("key")) == view.user.get("id")), None)
    return mine or {"calls": 0, "contacts": 0, "appointments": 0, "contact_rate": None}


async def panel_context(view: View, project: dict[str, Any], error: str | None = None, logged: str | None = None,
                        skip: str | None = None, logged_call: dict[str, Any] | None = None) -> dict[str, Any]:
    nxt = await next_target(view, project["id"], skip)
    return {"project": project, "outcomes": OUTCOMES, "attempt": uuid.uuid4().hex, "error": error,
            "logged": logged, "logged_call": logged_call, "undo_window_s": UNDO_WINDOW_S,
            "limits": form_limits(await input_limits(view, CALLS)),
            "history": await call_history(view, project["id"], nxt["target"]), **nxt}


async def same_target_context(view: View, project: dict[str, Any], target_id: str, form: dict[str, Any] | None = None,
                              **values: object) -> dict[str, Any]:
    """The panel for the company already on screen (a refusal or an undo), with what was typed and
    the pattern it was assigned (carried by the form; an undo passes the call's)."""
    form = form or {}
    target = await current_target(view, target_id)
    return {"project": project, "outcomes": OUTCOMES, "attempt": uuid.uuid4().hex, "error": None, "logged": None,
            "target": target, "history": await call_history(view, project["id"], target), "form": form,
            "variant": form.get("variant") or None, "script_version_id": form.get("script_version_id") or None,
            "undo_window_s": UNDO_WINDOW_S, "limits": form_limits(await input_limits(view, CALLS)), **values}


async def call_history(view: View, project_id: str, target: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The latest calls to this company (only asked for when it has been called before)."""
    if not target or not target.get("call_count"):
        return []
    page = await view.api.try_get("projects", f"/v1/projects/{project_id}/calls", default={"items": []},
                                  target_id=target["id"], limit=10)
    items: list[dict[str, Any]] = (page or {}).get("items", [])
    return items


@router.get("/calling")
async def calling_home(view: CallerView) -> Response:
    page = await view.api.get("projects", "/v1/projects", status="active", limit=100)
    return view.render("calling/choose.html", projects=page.get("items", []))


@router.get("/calling/{project_id}")
async def calling_page(view: CallerView, project_id: str) -> Response:
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    context = await panel_context(view, project)
    return view.render("calling/page.html", tally=await tally_for_today(view, project),
                       report_limits=await report_limits(view), field_errors={},
                       scripts=await active_scripts(view, project_id),
                       min_dwell_ms=view.settings.calling_min_dwell_ms, **context)


@router.get("/calling/{project_id}/tally")
async def tally_fragment(view: CallerView, project_id: str) -> Response:
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    return view.render("calling/tally.html", project=project, tally=await tally_for_today(view, project))


def call_body(view: View, form: dict[str, Any], outcome: str, tz: str) -> dict[str, Any]:
    duration = form.get("duration_s") or "0"
    body = {
        "target_id": form.get("target_id"),
        "member_id": view.user.get("id"),
        "occurred_at": datetime.now(UTC).isoformat(),
        "outcome": outcome,
        "duration_s": whole_number(duration or "0"),
    }
    # The pattern Anken assigned to this target; the member's own choice only where the project allows it.
    if form.get("script_version_id"):
        version_id, variant = form["script_version_id"], form.get("variant", "")
    else:
        version_id, _, variant = form.get("script", "").partition("|")
    if version_id:
        body["script_version_id"] = version_id
    if variant:
        body["variant"] = variant
    if form.get("note"):
        body["note"] = form["note"]
    if outcome == "appointment":
        body["appointment"] = appointment_body(form, tz)
    return body


def appointment_body(form: dict[str, Any], tz: str) -> dict[str, Any]:
    """The appointment captured with the call: meeting time and the project's qualification fields."""
    qualification = {
        key.removeprefix("q_"): value.strip() for key, value in form.items() if key.startswith("q_") and value.strip()
    }
    body = {"meeting_at": local_to_iso(form.get("meeting_at", ""), tz), "qualification": qualification}
    for field in ("contact_name", "contact_title"):
        if form.get(field, "").strip():
            body[field] = form[field].strip()
    return body


@router.post("/calling/{project_id}/log")
async def log_call(view: CallerView, project_id: str, request: Request) -> Response:
    form = await form_of(request)
    outcome = form.get("outcome", "")
    # The project (for the panel) is read while the call is written: one round trip less per keystroke.
    project_read = asyncio.ensure_future(view.api.get("projects", f"/v1/projects/{project_id}"))
    error = logged = logged_call = None
    field_errors: dict[str, str] = {}
    try:
        if outcome not in OUTCOME_NAMES or not form.get("target_id"):
            error = view._("Choose an outcome for the current target.")
        else:
            # Only an appointment needs the project first: its meeting time is read in the project's zone.
            tz = (await project_read).get("timezone") or "Asia/Tokyo" if outcome == "appointment" else "Asia/Tokyo"
            try:
                # The attempt id makes a double submit or a retry log the call once.
                created = await view.api.request(
                    "projects", "POST", f"/v1/projects/{project_id}/calls", json=call_body(view, form, outcome, tz),
                    headers={"Idempotency-Key": form.get("attempt") or uuid.uuid4().hex},
                )
                logged = outcome
                # What the confirmation names, and what an undo takes back (an appointment is cancelled instead).
                logged_call = {"id": (created or {}).get("id"), "company": form.get("company_name", ""),
                               "outcome": outcome, "target_id": form["target_id"],
                               "undoable": outcome != "appointment" and bool((created or {}).get("id"))}
            except ApiError as exc:
                field_errors = field_errors_of(exc, view._, await input_limits(view, CALLS))
                # With each refusal next to its field, the banner need not list the API's field names.
                if refuses_pattern(exc):
                    # A stale page or a changed project setting: the pattern is Anken's to assign.
                    error = view._("Anken assigns this company's script pattern; reload the page to see it.")
                else:
                    error = view._("Please check what you entered.") if field_errors else describe(exc, view._)
        project = await project_read
    finally:
        if not project_read.done():
            project_read.cancel()
    if error and form.get("target_id"):
        # Stay on the same target with everything typed and the error next to its field. The API
        # refused the call outright, so the corrected retry is a new attempt (a timeout keeps the old key).
        context = await same_target_context(view, project, form["target_id"], form, error=error,
                                            field_errors=field_errors,
                                            reopen_appointment=outcome == "appointment")
        return view.render("calling/panel.html", **context)
    return view.render("calling/panel.html", headers={"HX-Trigger": "callLogged"},
                       **await panel_context(view, project, error=error, logged=logged, logged_call=logged_call))


@router.post("/calling/{project_id}/undo")
async def undo_call(view: CallerView, project_id: str, request: Request) -> Response:
    """Take back the call just logged (a wrong key): it is deleted and its company is shown again."""
    form = await form_of(request)
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    call = await view.api.try_get("projects", f"/v1/calls/{form.get('call_id', '')}") if form.get("call_id") else None
    if not call or call.get("project_id") != project_id:
        context = await panel_context(view, project, error=view._("This call can no longer be undone."))
        return view.render("calling/panel.html", **context)
    logged_at = datetime.fromisoformat(call["created_at"])
    if (datetime.now(UTC) - logged_at).total_seconds() > UNDO_WINDOW_S + UNDO_GRACE_S:
        error = view._("A call can be undone only within %(seconds)s seconds. Correct it from the call list.",
                       seconds=UNDO_WINDOW_S)
        return view.render("calling/panel.html", **await panel_context(view, project, error=error))
    try:
        await view.api.delete("projects", f"/v1/calls/{call['id']}")
    except ApiError as exc:
        return view.render("calling/panel.html", **await panel_context(view, project, error=describe(exc, view._)))
    keep = {"variant": call.get("variant") or "", "script_version_id": call.get("script_version_id") or ""}
    context = await same_target_context(view, project, call["target_id"], keep, undone=call["outcome"])
    return view.render("calling/panel.html", headers={"HX-Trigger": "callLogged"}, **context)


async def current_target(view: View, target_id: str) -> dict[str, Any] | None:
    target: dict[str, Any] | None = await view.api.try_get("projects", f"/v1/targets/{target_id}")
    return target


@router.post("/calling/{project_id}/skip")
async def skip_target(view: CallerView, project_id: str, request: Request) -> Response:
    """Give the current target back (e.g. wrong list) and get another, without logging a call."""
    form = await form_of(request)
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    return view.render("calling/panel.html", **await panel_context(view, project, skip=form.get("target_id")))


@router.post("/calling/{project_id}/do-not-call")
async def flag_do_not_call(view: CallerView, project_id: str, request: Request) -> Response:
    """The company asked never to be called again: flag it (for every project of the client) and move on."""
    form = await form_of(request)
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    try:
        await view.api.post("projects", f"/v1/targets/{form.get('target_id')}/do-not-call",
                            json={"reason": form.get("note", "").strip() or view._("Asked on the call not to be called again")})
    except ApiError as exc:
        context = await same_target_context(view, project, form.get("target_id", ""), form,
                                            error=describe(exc, view._))
        return view.render("calling/panel.html", **context)
    context = await panel_context(view, project, skip=form.get("target_id"))
    return view.render("calling/panel.html", **{**context, "flagged": True})


@router.post("/calling/{project_id}/end-of-day")
async def end_of_day(view: CallerView, project_id: str, request: Request) -> Response:
    form = await form_of(request)
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    today = periods.today_in(project.get("timezone") or "Asia/Tokyo").isoformat()
    limits = await report_limits(view)
    error = saved = None
    errors: dict[str, str] = {}
    try:
        hours = float(form.get("hours") or "")
    except ValueError:
        errors = {"hours": hours_rule(view, limits)}
    else:
        try:
            # One request: the daily report also sets the day's worked hours in projects-api.
            await view.api.put("projects", f"/v1/projects/{project_id}/daily-reports/{view.user.get('id')}/{today}",
                               json={"hours": hours, **{name: form.get(name, "").strip() for name in REPORT_FIELDS}})
            saved = view._("Your end-of-day report is saved. Thank you!")
        except ApiError as exc:
            errors = refusals_of(exc, view._, REPORT_LABELS, limits=limits)
            if "hours" in errors:
                errors["hours"] = hours_rule(view, limits)
            error = banner(exc, errors, view._)
    # An htmx swap answers 200 (htmx swaps no error answer); a plain post says what happened.
    status_code = 422 if errors and not view.is_htmx else 200
    return view.render("calling/end_of_day.html", status_code=status_code, project=project, error=error, saved=saved,
                       form=form, field_errors=errors, report_limits=limits, tally=await tally_for_today(view, project))
