"""The client portal's home (/client): the month at a glance for every project of the client user's client —
appointments delivered against the monthly target, pace, the projected month end and the list left."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from anken_web.pages.portal_common import PortalView, glance, month_kpis, staff_elsewhere

router = APIRouter(include_in_schema=False)


@router.get("/client")
async def client_home(view: PortalView) -> Response:
    if (elsewhere := staff_elsewhere(view)) is not None:
        return elsewhere
    # projects-api answers a client user with their own client's projects only (anken_common.access).
    page = await view.api.get("projects", "/v1/projects", limit=200)
    projects: list[dict[str, Any]] = page.get("items", []) if isinstance(page, dict) else []
    figures = await asyncio.gather(*(month_kpis(view, p) for p in projects))
    return view.render("client/home.html", rows=[glance(p, k) for p, k in zip(projects, figures, strict=True)])
