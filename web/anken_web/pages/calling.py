"""Member calling screen: next target with history, the script to read, one-key outcome logging
(keys 1–7), the appointment form with the project's qualification fields, today's tally and the
end-of-day report. Logging a call and loading the next target is one request from the browser."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from anken_web import periods
from anken_web.api_client import ApiError
from anken_web.error_messages import describe
from anken_web.form_values import whole_number
from anken_web.i18n.extraction import N_
from anken_web.rendering import View, roles

router = APIRouter(include_in_schema=False)
# next-target hands targets to the assigned member making the request, so the screen is for members.
CallerView = Annotated[View, Depends(roles("member"))]

# (key, outcome, label): the order is the keyboard shortcut, as members learn it.
OUTCOMES = (
    ("1", "no_answer", N_("No answer")),
    ("2", "invalid_number", N_("Invalid number")),
    ("3", "gatekeeper_block", N_("Blocked by reception")),
    ("4", "absent", N_("Contact absent")),
    ("5", "connected_rejected", N_("Connected, rejected")),
    ("6", "connected_followup", N_("Connected, follow up")),
    ("7", "appointment", N_("Appointment")),
)
OUTCOME_NAMES = {outcome for _, outcome, _ in OUTCOMES}
# The free-text parts of the end-of-day report (日報), as projects-api names them.
REPORT_FIELDS = ("summary", "good_reactions", "objections", "next_actions")


async def next_target(view: View, project_id: str, skip: str | None = None) -> dict:
    """The leased next target (`target` is None when nothing can be called now)."""
    body = {"skip_target_id": skip} if skip else {}
    result = await view.api.post("projects", f"/v1/projects/{project_id}/next-target", json=body)
    return {"target": (result or {}).get("target"), "lease_expires_at": (result or {}).get("lease_expires_at")}


async def active_scripts(view: View, project_id: str) -> list[dict]:
    """Scripts with an active version, as the member picks the one the director gave them."""
    page = await view.api.try_get("projects", f"/v1/projects/{project_id}/scripts", default={"items": []})
    return [s for s in (page or {}).get("items", []) if s.get("active_version")]


async def tally_for_today(view: View, project: dict) -> dict:
    tz = project.get("timezone") or "Asia/Tokyo"
    first, after = periods.preset_range("today", tz)
    kpis = await view.api.try_get(
        "reporting", f"/v1/projects/{project['id']}/kpis",
        **{"from": first.isoformat(), "to": after.isoformat(), "group_by": "member"},
    ) or {}
    mine = next((g for g in kpis.get("groups", []) if str(g.get("key")) == view.user.get("id")), None)
    return mine or {"calls": 0, "contacts": 0, "appointments": 0, "contact_rate": None}


async def panel_context(view: View, project: dict, error: str | None = None, logged: str | None = None,
                        skip: str | None = None) -> dict:
    nxt = await next_target(view, project["id"], skip)
    return {"project": project, "outcomes": OUTCOMES, "attempt": uuid.uuid4().hex, "error": error,
            "logged": logged, "history": await call_history(view, project["id"], nxt["target"]), **nxt}


async def call_history(view: View, project_id: str, target: dict | None) -> list[dict]:
    """The latest calls to this company (only asked for when it has been called before)."""
    if not target or not target.get("call_count"):
        return []
    page = await view.api.try_get("projects", f"/v1/projects/{project_id}/calls", default={"items": []},
                                  target_id=target["id"], limit=10)
    return (page or {}).get("items", [])


@router.get("/calling")
async def calling_home(view: CallerView) -> Response:
    page = await view.api.get("projects", "/v1/projects", status="active", limit=100)
    return view.render("calling/choose.html", projects=page.get("items", []))


@router.get("/calling/{project_id}")
async def calling_page(view: CallerView, project_id: str) -> Response:
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    context = await panel_context(view, project)
    return view.render("calling/page.html", tally=await tally_for_today(view, project),
                       scripts=await active_scripts(view, project_id), **context)


@router.get("/calling/{project_id}/tally")
async def tally_fragment(view: CallerView, project_id: str) -> Response:
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    return view.render("calling/tally.html", project=project, tally=await tally_for_today(view, project))


def call_body(view: View, form: dict, outcome: str, tz: str) -> dict:
    duration = form.get("duration_s") or "0"
    body = {
        "target_id": form.get("target_id"),
        "member_id": view.user.get("id"),
        "occurred_at": datetime.now(UTC).isoformat(),
        "outcome": outcome,
        "duration_s": whole_number(duration or "0"),
    }
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


def appointment_body(form: dict, tz: str) -> dict:
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
    form = {k: str(v) for k, v in (await request.form()).items()}
    outcome = form.get("outcome", "")
    # The project (for the panel) is read while the call is written: one round trip less per keystroke.
    project_read = asyncio.ensure_future(view.api.get("projects", f"/v1/projects/{project_id}"))
    error = logged = None
    try:
        if outcome not in OUTCOME_NAMES or not form.get("target_id"):
            error = view._("Choose an outcome for the current target.")
        else:
            # Only an appointment needs the project first: its meeting time is read in the project's zone.
            tz = (await project_read).get("timezone") or "Asia/Tokyo" if outcome == "appointment" else "Asia/Tokyo"
            try:
                # The attempt id makes a double submit or a retry log the call once.
                await view.api.request(
                    "projects", "POST", f"/v1/projects/{project_id}/calls", json=call_body(view, form, outcome, tz),
                    headers={"Idempotency-Key": form.get("attempt") or uuid.uuid4().hex},
                )
                logged = outcome
            except ApiError as exc:
                error = describe(exc, view._)
        project = await project_read
    finally:
        if not project_read.done():
            project_read.cancel()
    if error and form.get("target_id"):
        # Stay on the same target so nothing is lost; the error says what to fix. The API refused
        # the call outright, so the corrected retry is a new attempt (a timeout keeps the old key).
        return view.render("calling/panel.html", project=project, outcomes=OUTCOMES, attempt=uuid.uuid4().hex,
                           error=error, logged=None, target=await current_target(view, form["target_id"]),
                           history=[])
    return view.render("calling/panel.html", headers={"HX-Trigger": "callLogged"},
                       **await panel_context(view, project, error=error, logged=logged))


async def current_target(view: View, target_id: str) -> dict | None:
    return await view.api.try_get("projects", f"/v1/targets/{target_id}")


def local_to_iso(value: str, tz: str) -> str | None:
    """An <input type=datetime-local> value, read in the project's time zone, as ISO 8601 with offset."""
    try:
        return datetime.fromisoformat(value).replace(tzinfo=ZoneInfo(tz)).isoformat()
    except ValueError:
        return None


@router.post("/calling/{project_id}/skip")
async def skip_target(view: CallerView, project_id: str, request: Request) -> Response:
    """Give the current target back (e.g. wrong list) and get another, without logging a call."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    return view.render("calling/panel.html", **await panel_context(view, project, skip=form.get("target_id")))


@router.post("/calling/{project_id}/do-not-call")
async def flag_do_not_call(view: CallerView, project_id: str, request: Request) -> Response:
    """The company asked never to be called again: flag it (for every project of the client) and move on."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    try:
        await view.api.post("projects", f"/v1/targets/{form.get('target_id')}/do-not-call",
                            json={"reason": form.get("note", "").strip() or view._("Asked on the call not to be called again")})
    except ApiError as exc:
        return view.render("calling/panel.html", project=project, outcomes=OUTCOMES, attempt=uuid.uuid4().hex,
                           error=describe(exc, view._), logged=None,
                           target=await current_target(view, form.get("target_id", "")), history=[])
    context = await panel_context(view, project, skip=form.get("target_id"))
    return view.render("calling/panel.html", **{**context, "flagged": True})


@router.post("/calling/{project_id}/end-of-day")
async def end_of_day(view: CallerView, project_id: str, request: Request) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    today = periods.today_in(project.get("timezone") or "Asia/Tokyo").isoformat()
    error = saved = None
    try:
        hours = float(form.get("hours") or "")
    except ValueError:
        error = view._("Enter the hours you worked today, for example 7.5.")
    else:
        try:
            # One request: the daily report also sets the day's worked hours in projects-api.
            await view.api.put("projects", f"/v1/projects/{project_id}/daily-reports/{view.user.get('id')}/{today}",
                               json={"hours": hours, **{name: form.get(name, "").strip() for name in REPORT_FIELDS}})
            saved = view._("Your end-of-day report is saved. Thank you!")
        except ApiError as exc:
            error = describe(exc, view._)
    return view.render("calling/end_of_day.html", project=project, error=error, saved=saved, form=form,
                       tally=await tally_for_today(view, project))
