"""The project's A/B setting: Anken assigns the script pattern per company (a randomised
comparison, the default), or the director lets members choose it (then the A/B panel says the
comparison is not randomised)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from anken_web.api_client import ApiError
from anken_web.error_messages import describe
from anken_web.rendering import View, roles

router = APIRouter(include_in_schema=False)
DirectorView = Annotated[View, Depends(roles("director", "admin"))]


@router.post("/projects/{project_id}/ab-choice")
async def set_ab_choice(view: DirectorView, project_id: str, request: Request) -> Response:
    form = await request.form()
    manual = str(form.get("ab_manual_choice", "")) == "true"
    try:
        await view.api.patch("projects", f"/v1/projects/{project_id}", json={"ab_manual_choice": manual})
    except ApiError as exc:
        # Back to the project with the refusal in the red banner, never the green flash of a success.
        return view.redirect(f"/projects/{project_id}", error=describe(exc, view._))
    flash = (view._("Members now choose the script pattern themselves.") if manual
             else view._("Anken now assigns the script pattern for each company."))
    return view.redirect(f"/projects/{project_id}", flash=flash)
