"""Director home: the portfolio of every project on one screen, refreshed by HTMX polling."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from starlette.responses import Response

from anken_web.portfolio_view import SORT_KEYS, sorted_rows
from anken_web.rendering import View, roles

router = APIRouter(include_in_schema=False)
DirectorView = Annotated[View, Depends(roles("director", "admin"))]


async def load_portfolio(view: View) -> tuple[list[dict], list[dict]]:
    params = {"director_id": view.user.get("id")} if view.session.role == "director" else {}
    portfolio = await view.api.get("reporting", "/v1/portfolio", **params)
    rows = portfolio.get("items", []) if isinstance(portfolio, dict) else list(portfolio or [])
    alerts = await view.api.try_get("reporting", "/v1/alerts", default={"items": []}, status="open", **params)
    return rows, (alerts or {}).get("items", [])


@router.get("/home")
async def home(view: DirectorView, sort: str = "pace", dir: str = "asc") -> Response:
    rows, alerts = await load_portfolio(view)
    return view.render("home.html", rows=sorted_rows(rows, sort, dir), alerts=alerts, sort=sort, dir=dir,
                       sort_keys=SORT_KEYS)


@router.get("/home/portfolio")
async def portfolio_fragment(view: DirectorView, sort: str = "pace", dir: str = "asc") -> Response:
    rows, alerts = await load_portfolio(view)
    return view.render("partials/portfolio.html", rows=sorted_rows(rows, sort, dir), alerts=alerts, sort=sort,
                       dir=dir, sort_keys=SORT_KEYS)
