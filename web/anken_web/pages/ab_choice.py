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
        # An error page (red), not the green flash of a success.
        status = exc.status if 400 <= exc.status < 500 else 502
        return view.render("error.html", status_code=status, message=describe(exc, view._), detail=None, status=status)
    flash = (view._("Members now choose the script pattern themselves.") if manual
             else view._("Anken now assigns the script pattern for each company."))
    return view.redirect(f"/projects/{project_id}", flash=flash)
