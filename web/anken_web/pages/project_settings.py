"""A project's settings tab: every field of the project on one form, saved with If-Match.

Whoever may manage the project (its director, an admin: anken_common.access) edits it; managers
read it. The form sends only what was changed since it was rendered; a refused save keeps what was
typed and names the rule next to the field; a save that lost the race to someone else's (412) keeps
what was typed, shows the values saved meanwhile, and saves on the next press.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Annotated, Any
from zoneinfo import available_timezones

from babel.dates import get_day_names
from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from anken_common import access
from anken_common.auth_tokens import Role
from anken_web.api_client import ApiError
from anken_web.error_messages import describe
from anken_web.form_values import form_of, version_header
from anken_web.input_limits import input_limits
from anken_web.pages import project_settings_fields as settings
from anken_web.rendering import View, roles

router = APIRouter(include_in_schema=False)
StaffView = Annotated[View, Depends(roles("director", "manager", "admin"))]
DirectorView = Annotated[View, Depends(roles("director", "admin"))]


@dataclass(frozen=True)
class _Caller:
    """The logged-in user in the shape anken_common.access decides over."""

    id: str
    role: Role | None
    kind: str = "user"


def may_manage(view: View, project: dict[str, Any]) -> bool:
    """The one access rule: the project's director and admins change its settings."""
    role = view.session.role
    caller = _Caller(id=str(view.user.get("id") or ""), role=Role(role) if role is not None and role in Role.__members__ else None)
    return access.may_manage_project(caller, director_id=project.get("director_id"))


def time_zones(current: str) -> list[str]:
    zones = {z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))} | {"UTC"}
    if current:
        zones.add(current)
    return sorted(zones)


async def _directors(view: View) -> list[dict[str, Any]]:
    page = await view.api.try_get("projects", "/v1/users", default={"items": []}, role="director", limit=200)
    items: list[dict[str, Any]] = (page or {}).get("items", [])
    return items


async def render_settings(
    view: View, project: dict[str, Any], *, values: dict[str, str] | None = None, field_errors: dict[str, str] | None = None,
    rendered: dict[str, str] | None = None, version: str | None = None, error: str | None = None,
    conflict: bool = False, clashes: list[str] | None = None, status_code: int = 200,
) -> Response:
    """The form; `values` what it shows (default: the saved values), `rendered` and `version` the baseline
    it carries (default: the saved values and version), against which the next save is compared."""
    editable = may_manage(view, project)
    sections, _fields = settings.with_limits(await input_limits(view, settings.PROJECT_LIMITS))
    directors = await _directors(view)
    director_names = {d["id"]: d["name"] for d in directors}
    if view.user.get("id"):
        director_names.setdefault(view.user["id"], view.user.get("name", ""))
    saved = settings.form_values(project)
    return view.render(
        "projects/settings.html", status_code=status_code, project=project, sections=sections,
        values=values or saved, saved=saved, rendered=rendered or saved,
        version=version if version is not None else str(project.get("version", "")),
        field_errors=field_errors or {}, error=error, conflict=conflict, clashes=clashes or [],
        editable=editable, may_change_director=editable and view.session.role == "admin",
        directors=directors, director_names=director_names, time_zones=time_zones(project.get("timezone") or ""),
        weekdays=get_day_names("wide", locale=view.locale), was=settings.WAS,
    )


@router.get("/projects/{project_id}/settings")
async def settings_page(view: StaffView, project_id: uuid.UUID) -> Response:
    project = await view.api.get("projects", f"/v1/projects/{project_id}")
    return await render_settings(view, project)


@router.post("/projects/{project_id}/settings")
async def save_settings(view: DirectorView, project_id: uuid.UUID, request: Request) -> Response:
    form = await form_of(request)
    path = f"/v1/projects/{project_id}"
    typed, rendered = settings.typed_values(form), settings.rendered_values(form)
    may_change_director = view.session.role == "admin"
    if not may_change_director:  # shown, not a field of the form: it stays what it was
        typed["director_id"] = rendered["director_id"] or ""
    body = settings.changes(typed, rendered, may_change_director=may_change_director)
    if not body:
        return view.redirect(f"/projects/{project_id}/settings", flash=view._("Nothing was changed."))
    try:
        await view.api.patch("projects", path, json=body, headers=version_header(form.get("version", "")))
    except ApiError as exc:
        if exc.status == 412:
            current = await view.api.get("projects", path)
            merged, clashes = settings.merged_after_conflict(typed, rendered, settings.form_values(current))
            return await render_settings(
                view, current, values=merged, conflict=True, clashes=clashes, status_code=409,
                error=view._("Someone else changed this project while you were editing it. Nothing of yours was "
                             "saved yet: what you typed is kept, and the values saved in the meantime are shown "
                             "under the fields you both changed. Check them and save again."))
        _sections, fields = settings.with_limits(await input_limits(view, settings.PROJECT_LIMITS))
        field_errors = settings.field_errors_of(exc, view._, fields)
        general = None if field_errors and exc.status == 422 else describe(exc, view._)
        # The form keeps its baseline (the values and version it was rendered with), so a change saved
        # by someone else meanwhile is still caught on the next press.
        project = await view.api.get("projects", path)
        baseline = {name: was if was is not None else saved
                    for (name, was), saved in zip(rendered.items(), settings.form_values(project).values(), strict=True)}
        return await render_settings(view, project, values=typed, rendered=baseline, version=form.get("version", ""),
                                     field_errors=field_errors, error=general,
                                     status_code=exc.status if exc.status in (403, 409, 422) else 502)
    return view.redirect(f"/projects/{project_id}/settings", flash=view._("The project settings are saved."))
