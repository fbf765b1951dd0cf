"""Director home: the portfolio of every project on one screen, refreshed by HTMX polling."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form
from starlette.responses import Response

from anken_web.portfolio_view import SORT_KEYS, sorted_rows
from anken_web.rendering import View, roles

router = APIRouter(include_in_schema=False)
COMMENT_DAYS = 14  # how far back the home page's panel of the client's comments reaches
COMMENT_EXCERPT = 120  # characters of each comment shown there
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


async def client_comments(view: View, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The client's comments of the last COMMENT_DAYS days on the portfolio's projects, newest first
    (reporting-api answers a director their own projects', admins and managers every project's)."""
    if not rows:
        return []
    since = (datetime.now(UTC) - timedelta(days=COMMENT_DAYS)).isoformat()
    page = await view.api.try_get("reporting", "/v1/report-comments", default={"items": []}, since=since, limit=200)
    visible = {str(r.get("project_id")) for r in rows}
    return [{**c, "excerpt": excerpt(str(c.get("body") or ""))}
            for c in (page or {}).get("items", []) if str(c.get("project_id")) in visible]


def excerpt(body: str, limit: int = COMMENT_EXCERPT) -> str:
    flat = " ".join(body.split())
    return flat if len(flat) <= limit else flat[:limit].rstrip() + "…"


@router.get("/home")
async def home(view: DirectorView, director_id: str = "", sort: str = "pace", dir: str = "asc") -> Response:
    context = await portfolio_context(view, director_id, sort, dir)
    return view.render("home.html", **context, comments=await client_comments(view, context["rows"]))


@router.get("/home/portfolio")
async def portfolio_fragment(view: DirectorView, director_id: str = "", sort: str = "pace", dir: str = "asc") -> Response:
    return view.render("partials/portfolio.html", **await portfolio_context(view, director_id, sort, dir))


@router.post("/home/alerts/{alert_id}/acknowledge")
async def acknowledge_alert(view: DirectorView, alert_id: str, director_id: Annotated[str, Form()] = "") -> Response:
    await view.api.post("reporting", f"/v1/alerts/{alert_id}/acknowledge", json={})
    return view.render("partials/portfolio.html", **await portfolio_context(view, director_id, "pace", "asc"))
