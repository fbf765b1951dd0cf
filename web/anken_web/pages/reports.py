"""Weekly report editor: generated numbers, notes and next actions with autosave, preview,
publish and downloads (PPTX, XLSX, CSV, print view)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from anken_web import periods
from anken_web.api_client import ApiError
from anken_web.error_messages import describe
from anken_web.form_values import form_of, whole_number
from anken_web.input_limits import WEEKLY_REPORT_DRAFT, input_limits
from anken_web.pages.report_field_errors import field_errors_of, field_limits
from anken_web.pages.report_links import report_sharing
from anken_web.rendering import View, roles
from anken_web.security_headers import report_document_headers

router = APIRouter(include_in_schema=False)
ReportView = Annotated[View, Depends(roles("director", "manager", "admin"))]
ReplyView = Annotated[View, Depends(roles("director", "admin"))]
DOWNLOADS = ("pptx", "xlsx", "csv", "html")
NOTE_FIELDS = ("good_reactions", "objections", "learnings")


def iso_week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def report_path(project_id: str, week: str) -> str:
    return f"/v1/projects/{project_id}/weekly-reports/{week}"


@router.get("/projects/{project_id}/reports")
async def report_editor(view: ReportView, project_id: str, week: str | None = None, version: str | None = None) -> Response:
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    week = week or iso_week_of(periods.today_in(project.get("timezone") or "Asia/Tokyo"))
    number = positive_int(version)
    if number is not None:
        # A published version opens read-only, as it was frozen (Slack and Confluence link here).
        report = await view.api.get("reporting", report_path(project_id, week), version=number)
        return await render_report(view, project, week, report, editable=False, version=number)
    report = await view.api.get("reporting", report_path(project_id, week))
    # Managers read every report; only the project's director (or an admin) writes and publishes it.
    return await render_report(view, project, week, report, editable=view.session.role in ("director", "admin"))


def positive_int(value: str | None) -> int | None:
    """A version number from the query string; anything else opens the current draft."""
    number = whole_number(value or "")
    return number if isinstance(number, int) and 0 < number <= 1_000_000 else None


async def render_report(
    view: View, project: dict[str, Any], week: str, report: dict[str, Any], *, editable: bool, version: int | None = None,
    text: dict[str, Any] | None = None, field_errors: dict[str, str] | None = None, error: str | None = None,
    status_code: int = 200, reply: dict[str, str] | None = None,
) -> Response:
    versions = (await view.api.get("reporting", report_path(project["id"], week) + "/versions")).get("versions") or []
    # Downloads default to what the client received: the opened version, else the latest published one.
    download_version = version or (versions[0]["version"] if versions else None)
    # The client's comments and (director, admin) the week's shared links: pages/report_links.py.
    sharing = await report_sharing(view, project["id"], week)
    return view.render(
        "reports/editor.html", status_code=status_code, project=project, week=week, report=report, **sharing,
        reply=reply or {},
        downloads=DOWNLOADS, note_fields=(*NOTE_FIELDS, "next_actions"), text=text or draft_text(report),
        saved=None, error=error, field_errors=field_errors or {}, editable=editable, version=version,
        versions=versions, download_version=download_version,
        limits=field_limits(await input_limits(view, WEEKLY_REPORT_DRAFT)),
    )


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def draft_from(form: dict[str, Any]) -> dict[str, Any]:
    """The editor's textareas (one item per line) as the draft the API stores. A next action may
    name its owner after a slash: "資料送付 / 田中"."""
    actions = []
    for line in lines(form.get("next_actions", "")):
        # Never cut what was typed: an over-long line goes to the API, whose refusal names the field.
        text, _, owner = line.partition(" / ")
        actions.append({"text": text.strip(), **({"owner": owner.strip()} if owner.strip() else {})})
    return {"notes": {field: lines(form.get(field, "")) for field in NOTE_FIELDS}, "next_actions": actions}


def draft_text(report: dict[str, Any]) -> dict[str, Any]:
    """The report's notes and next actions as editor text, one item per line."""
    notes = report.get("notes") or {}
    text = {field: "\n".join(notes.get(field) or []) for field in NOTE_FIELDS}
    text["next_actions"] = "\n".join(
        a.get("text", "") + (f" / {a['owner']}" if a.get("owner") else "") for a in report.get("next_actions") or []
    )
    return text


@router.post("/projects/{project_id}/reports/{week}/draft")
async def autosave(view: ReportView, project_id: str, week: str, request: Request) -> Response:
    form = await form_of(request)
    error = saved = None
    try:
        await view.api.put("reporting", report_path(project_id, week) + "/draft", json=draft_from(form))
        saved = view._("Saved at %(time)s", time=view.fmt.time(datetime.now(UTC)))
    except ApiError as exc:
        errors = field_errors_of(exc, view._, await input_limits(view, WEEKLY_REPORT_DRAFT))
        error = " ".join(errors.values()) if errors else describe(exc, view._)
    return view.render("reports/save_status.html", saved=saved, error=error)


@router.post("/projects/{project_id}/reports/{week}/publish")
async def publish(view: ReportView, project_id: str, week: str, request: Request) -> Response:
    form = await form_of(request)
    try:
        await view.api.put("reporting", report_path(project_id, week) + "/draft", json=draft_from(form))
        published = await view.api.post("reporting", report_path(project_id, week) + "/publish", json={})
    except ApiError as exc:
        # Refused: the editor comes back with what was typed and the reason beside its field.
        project = await view.api.get("projects", f"/v1/projects/{project_id}")
        report = await view.api.get("reporting", report_path(project_id, week))
        errors = field_errors_of(exc, view._, await input_limits(view, WEEKLY_REPORT_DRAFT))
        typed = {field: form.get(field, "") for field in (*NOTE_FIELDS, "next_actions")}
        return await render_report(
            view, project, week, report, editable=view.session.role in ("director", "admin"), text=typed,
            field_errors=errors,
            error=view._("The report was not published. Please correct the fields marked below.") if errors
            else describe(exc, view._),
            status_code=exc.status if 400 <= exc.status < 500 else 422,
        )
    return view.redirect(f"/projects/{project_id}/reports?week={week}",
                         flash=view._("The weekly report %(week)s is published as version %(version)s.",
                                      week=week, version=(published or {}).get("version", "")))


@router.post("/projects/{project_id}/reports/{week}/comments")
async def reply_to_client(view: ReplyView, project_id: str, week: str, request: Request) -> Response:
    """The director answers the client's comments on the published week (the client reads it in the portal)."""
    body = (await form_of(request)).get("body", "")
    try:
        await view.api.post("reporting", report_path(project_id, week) + "/comments", json={"body": body})
    except ApiError as exc:
        # Refused: the page comes back with the reply as typed and the rule beside the box.
        project = await view.api.get("projects", f"/v1/projects/{project_id}")
        report = await view.api.get("reporting", report_path(project_id, week))
        error = view._("Reply to the client: write 1 to 2,000 characters.") if exc.status == 422 \
            else describe(exc, view._)
        return await render_report(view, project, week, report, editable=True, reply={"text": body, "error": error},
                                   status_code=exc.status if 400 <= exc.status < 500 else 502)
    return view.redirect(f"/projects/{project_id}/reports?week={week}#client-comments",
                         flash=view._("Your comment is posted."))


@router.get("/projects/{project_id}/reports/{week}/download.{kind}")
async def download(view: ReportView, project_id: str, week: str, kind: str, version: str | None = None) -> Response:
    if kind not in DOWNLOADS:
        return view.render("error.html", status_code=404, message=view._("This item does not exist or is not yours to see."))
    number = positive_int(version)
    params = {"version": number} if number is not None else None
    upstream = await view.api.request("reporting", "GET", report_path(project_id, week) + f".{kind}", raw=True,
                                      params=params)
    disposition = upstream.headers.get("content-disposition", f'attachment; filename="weekly-report-{week}.{kind}"')
    if kind == "html":
        # The print view opens in the browser (preview, then the browser's print) instead of downloading.
        disposition = "inline" + disposition[disposition.find(";"):] if ";" in disposition else "inline"
    headers = {"Content-Disposition": disposition}
    if kind == "html":
        headers.update(report_document_headers())
    return Response(upstream.content, media_type=upstream.headers.get("content-type"), headers=headers)
