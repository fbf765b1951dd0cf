"""Director home: the portfolio of every project on one screen, refreshed by HTMX polling."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from starlette.responses import Response

from anken_web.portfolio_view import SORT_KEYS, sorted_rows
from anken_web.rendering import View, roles

router = APIRouter(include_in_schema=False)
DirectorView = Annotated[View, Depends(roles("director", "manager", "admin"))]


async def directors_for(view: View) -> list[dict[str, Any]]:
    """Admins and managers look at one director's portfolio at a time; directors at their own."""
    if view.session.role == "director":
        return []
    page = await view.api.try_get("projects", "/v1/users", default={"items": []}, role="director", limit=200)
    items: list[dict[str, Any]] = (page or {}).get("items", [])
    return items


async def load_portfolio(view: View, director_id: str | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    if not director_id:
        return [], [], {}
    portfolio = await view.api.get("reporting", "/v1/portfolio", director_id=director_id)
    rows = portfolio.get("items", []) if isinstance(portfolio, dict) else []
    counts = portfolio.get("counts", {}) if isinstance(portfolio, dict) else {}
    alerts = await view.api.try_get("reporting", "/v1/alerts", default={"items": []}, status="open")
    visible = {str(r.get("project_id")) for r in rows}
    names = {str(r.get("project_id")): r.get("name") for r in rows}
    open_alerts = [{**a, "project_name": names.get(str(a.get("project_id")))}
                   for a in (alerts or {}).get("items", []) if str(a.get("project_id")) in visible]
    return rows, open_alerts, counts


async def portfolio_context(view: View, director_id: str, sort: str, dir: str) -> dict[str, Any]:
    directors = await directors_for(view)
    if view.session.role == "director":
        director_id = view.user.get("id", "")
    elif not director_id and directors:
        director_id = str(directors[0]["id"])
    rows, alerts, counts = await load_portfolio(view, director_id)
    return {"rows": sorted_rows(rows, sort, dir), "alerts": alerts, "counts": counts, "sort": sort, "dir": dir, "sort_keys": SORT_KEYS,
            "directors": directors, "director_id": director_id}


@router.get("/home")
async def home(view: DirectorView, director_id: str = "", sort: str = "pace", dir: str = "asc") -> Response:
    return view.render("home.html", **await portfolio_context(view, director_id, sort, dir))


@router.get("/home/portfolio")
async def portfolio_fragment(view: DirectorView, director_id: str = "", sort: str = "pace", dir: str = "asc") -> Response:
    return view.render("partials/portfolio.html", **await portfolio_context(view, director_id, sort, dir))


@router.post("/home/alerts/{alert_id}/acknowledge")
async def acknowledge_alert(view: DirectorView, alert_id: str, director_id: Annotated[str, Form()] = "") -> Response:
    await view.api.post("reporting", f"/v1/alerts/{alert_id}/acknowledge", json={})
    return view.render("partials/portfolio.html", **await portfolio_context(view, director_id, "pace", "asc"))
