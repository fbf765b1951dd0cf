"""Member calling screen: next target with history, the script to read, one-key outcome logging
(keys 1–7), the appointment form with the project's qualification fields, today's tally and the
end-of-day report. Logging a call and loading the next target is one request from the browser."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from anken_web import periods
from anken_web.api_client import ApiError
from anken_web.error_messages import describe
from anken_web.i18n.extraction import N_
from anken_web.rendering import View, roles

router = APIRouter(include_in_schema=False)
CallerView = Annotated[View, Depends(roles("member", "director", "admin"))]

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


def unpack_next(result: object) -> dict:
    """next-target answers the target (with history and script) or nothing when the list is done."""
    if not isinstance(result, dict):
        return {"target": None, "history": [], "script": None}
    target = result.get("target", result if "company_name" in result else None)
    return {
        "target": target,
        "history": result.get("history") or (target or {}).get("history") or [],
        "script": result.get("script"),
    }


async def next_target(view: View, project_id: str) -> dict:
    result = await view.api.post("projects", f"/v1/projects/{project_id}/next-target", json={})
    return unpack_next(result)


async def tally_for_today(view: View, project: dict) -> dict:
    tz = project.get("timezone") or "Asia/Tokyo"
    first, after = periods.preset_range("today", tz)
    kpis = await view.api.try_get(
        "reporting", f"/v1/projects/{project['id']}/kpis",
        **{"from": first.isoformat(), "to": after.isoformat(), "group_by": "member"},
    ) or {}
    mine = next((g for g in kpis.get("groups", []) if str(g.get("key")) == view.user.get("id")), None)
    return mine or {"calls": 0, "contacts": 0, "appointments": 0, "contact_rate": None}


async def panel_context(view: View, project: dict, error: str | None = None, logged: str | None = None) -> dict:
    nxt = await next_target(view, project["id"])
    return {"project": project, "outcomes": OUTCOMES, "attempt": uuid.uuid4().hex, "error": error,
            "logged": logged, **nxt}


@router.get("/calling")
async def calling_home(view: CallerView) -> Response:
    page = await view.api.get("projects", "/v1/projects", status="active", limit=100)
    return view.render("calling/choose.html", projects=page.get("items", []))


@router.get("/calling/{project_id}")
async def calling_page(view: CallerView, project_id: str) -> Response:
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    context = await panel_context(view, project)
    return view.render("calling/page.html", tally=await tally_for_today(view, project), **context)


@router.get("/calling/{project_id}/tally")
async def tally_fragment(view: CallerView, project_id: str) -> Response:
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    return view.render("calling/tally.html", project=project, tally=await tally_for_today(view, project))


def call_body(view: View, form: dict, outcome: str) -> dict:
    duration = form.get("duration_s") or "0"
    body = {
        "target_id": form.get("target_id"),
        "member_id": view.user.get("id"),
        "occurred_at": datetime.now(UTC).isoformat(),
        "outcome": outcome,
        "duration_s": int(duration) if duration.isdigit() else 0,
    }
    if form.get("script_version_id"):
        body["script_version_id"] = form["script_version_id"]
    if form.get("variant"):
        body["variant"] = form["variant"]
    if form.get("note"):
        body["note"] = form["note"]
    return body


@router.post("/calling/{project_id}/log")
async def log_call(view: CallerView, project_id: str, request: Request) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    outcome = form.get("outcome", "")
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    error = logged = None
    if outcome not in OUTCOME_NAMES or not form.get("target_id"):
        error = view._("Choose an outcome for the current target.")
    else:
        try:
            call = await view.api.request(
                "projects", "POST", f"/v1/projects/{project_id}/calls", json=call_body(view, form, outcome),
                headers={"Idempotency-Key": form.get("attempt") or uuid.uuid4().hex},
            )
            if outcome == "appointment":
                await create_appointment(view, project, form, call)
            logged = outcome
        except ApiError as exc:
            error = describe(exc, view._)
    if error and form.get("target_id"):
        # Stay on the same target so nothing is lost; the error says what to fix.
        return view.render("calling/panel.html", project=project, outcomes=OUTCOMES, attempt=form.get("attempt"),
                           error=error, logged=None, target=await current_target(view, form["target_id"]),
                           history=[], script=None)
    return view.render("calling/panel.html", headers={"HX-Trigger": "callLogged"},
                       **await panel_context(view, project, error=error, logged=logged))


async def current_target(view: View, target_id: str) -> dict | None:
    return await view.api.try_get("projects", f"/v1/targets/{target_id}")


async def create_appointment(view: View, project: dict, form: dict, call: dict | None) -> None:
    qualification = {
        key.removeprefix("q_"): value for key, value in form.items() if key.startswith("q_") and value.strip()
    }
    body = {
        "project_id": project["id"],
        "target_id": form.get("target_id"),
        "call_id": (call or {}).get("id"),
        "meeting_at": local_to_iso(form.get("meeting_at", ""), project.get("timezone") or "Asia/Tokyo"),
        "qualification": qualification,
        "note": form.get("note") or None,
    }
    await view.api.request(
        "projects", "POST", "/v1/appointments", json={k: v for k, v in body.items() if v is not None},
        headers={"Idempotency-Key": (form.get("attempt") or uuid.uuid4().hex) + "-appointment"},
    )


def local_to_iso(value: str, tz: str) -> str | None:
    """An <input type=datetime-local> value, read in the project's time zone, as ISO 8601 with offset."""
    from zoneinfo import ZoneInfo

    try:
        return datetime.fromisoformat(value).replace(tzinfo=ZoneInfo(tz)).isoformat()
    except ValueError:
        return None


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
            await view.api.put("projects", f"/v1/projects/{project_id}/worked-hours/{view.user.get('id')}/{today}",
                               json={"hours": hours})
            if form.get("summary", "").strip():
                await view.api.post("projects", f"/v1/projects/{project_id}/daily-reports", json={
                    "member_id": view.user.get("id"), "day": today, "summary": form["summary"].strip(),
                })
            saved = view._("Your end-of-day report is saved. Thank you!")
        except ApiError as exc:
            error = describe(exc, view._)
    return view.render("calling/end_of_day.html", project=project, error=error, saved=saved, form=form,
                       tally=await tally_for_today(view, project))
