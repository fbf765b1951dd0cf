"""A client user's page until the client portal exists: their client's projects, read only (name and status)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from anken_web.rendering import View, roles

router = APIRouter(include_in_schema=False)
ClientView = Annotated[View, Depends(roles("client"))]


@router.get("/client")
async def client_home(view: ClientView) -> Response:
    # projects-api answers a client user with their own client's projects only (anken_common.access).
    page = await view.api.get("projects", "/v1/projects", limit=200)
    projects = page.get("items", []) if isinstance(page, dict) else []
    return view.render("client/home.html", projects=projects)
