"""Pipeline board (deals by stage, drag-and-drop or keyboard to move a stage, exit-criteria prompt,
aging and overdue badges) and the forecast view (commit / best case / pipeline, quota, coverage,
snapshots with their accuracy)."""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from anken_web.api_client import ApiError
from anken_web.error_messages import describe
from anken_web.form_values import version_header, whole_number
from anken_web.rendering import View, roles
from anken_web.vocabulary import FORECAST_CATEGORIES, LEAD_SOURCES

router = APIRouter(include_in_schema=False)
SalesView = Annotated[View, Depends(roles("manager", "director", "admin"))]


def items_of(result: object) -> list:
    if isinstance(result, dict):
        return list(result.get("items", []))
    return list(result or [])


async def deal_owners(view: View) -> list[dict]:
    """Managers and directors: the people who own deals. A director reads only their own figures
    (the access rule), so they are offered only themselves."""
    if view.session.role == "director":
        return [{"id": view.user.get("id"), "name": view.user.get("name")}]
    managers, directors = await asyncio.gather(
        view.api.try_get("projects", "/v1/users", default={"items": []}, role="manager", limit=200),
        view.api.try_get("projects", "/v1/users", default={"items": []}, role="director", limit=200),
    )
    return items_of(managers) + items_of(directors)


async def board_context(view: View, pipeline_id: str | None, owner_id: str | None) -> dict:
    pipelines = items_of(await view.api.get("projects", "/v1/pipelines"))
    pipeline = next((p for p in pipelines if str(p["id"]) == pipeline_id), None) or next(
        (p for p in pipelines if p.get("is_default")), pipelines[0] if pipelines else None)
    deals: list[dict] = []
    if pipeline:
        cursor = None
        # A board shows every open deal of the pipeline: follow the pages (bounded).
        for _page in range(20):
            page = await view.api.get("projects", "/v1/deals", pipeline_id=pipeline["id"], owner_id=owner_id,
                                      status="open", cursor=cursor, limit=200)
            deals += items_of(page)
            cursor = page.get("next_cursor") if isinstance(page, dict) else None
            if not cursor:
                break
    by_stage: dict[str, list[dict]] = {}
    for deal in deals:
        by_stage.setdefault(str(deal.get("stage_id")), []).append(deal)
    owners = await deal_owners(view)
    return {"pipelines": pipelines, "pipeline": pipeline, "by_stage": by_stage, "owner_id": owner_id or "",
            "owners": owners, "deal_count": len(deals)}


@router.get("/pipeline")
async def board(view: SalesView, pipeline_id: str | None = None, owner_id: str | None = None) -> Response:
    context = await board_context(view, pipeline_id, owner_id or None)
    summary = await view.api.try_get("reporting", "/v1/pipeline/summary", owner_id=owner_id or None)
    return view.render("pipeline/board_page.html", summary=summary, attempt=uuid.uuid4().hex,
                       forecast_categories=FORECAST_CATEGORIES, lead_sources=LEAD_SOURCES, **context)


@router.post("/pipeline/deals")
async def create_deal(view: SalesView, request: Request) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items()}
    body: dict = {"name": form.get("name", "").strip(), "account_name": form.get("account_name", "").strip(),
                  "forecast_category": form.get("forecast_category") or "pipeline"}
    amount = form.get("amount", "").replace(",", "").strip()
    if amount:
        body["amount"] = whole_number(amount)
    for field in ("pipeline_id", "expected_close_date", "lead_source", "next_step"):
        if form.get(field, "").strip():
            body[field] = form[field].strip()
    back = f"/pipeline?pipeline_id={form.get('pipeline_id', '')}"
    try:
        await view.api.request("projects", "POST", "/v1/deals", json=body,
                               headers={"Idempotency-Key": form.get("attempt") or uuid.uuid4().hex})
    except ApiError as exc:
        return view.redirect(back, flash=describe(exc, view._))
    return view.redirect(back, flash=view._("Deal %(name)s created.", name=body["name"]))


@router.post("/pipeline/deals/{deal_id}/move")
async def move_deal(
    view: SalesView, deal_id: str,
    stage_id: Annotated[str, Form()],
    version: Annotated[str, Form()] = "",
    confirmed: Annotated[str, Form()] = "",
    pipeline_id: Annotated[str, Form()] = "",
    owner_id: Annotated[str, Form()] = "",
) -> Response:
    body: dict = {"stage_id": stage_id}
    if confirmed:
        body["exit_criteria_confirmed"] = True
    headers = version_header(version)
    error = prompt = None
    try:
        await view.api.patch("projects", f"/v1/deals/{deal_id}", json=body, headers=headers)
    except ApiError as exc:
        if exc.status in (409, 422) and not confirmed and "exit" in (exc.detail or "").lower() + " ".join(exc.fields):
            # Moving forward needs the exit criteria confirmed: ask, then resend with confirmation.
            deal = await view.api.get("projects", f"/v1/deals/{deal_id}")
            prompt = {"deal": deal, "stage_id": stage_id, "version": version, "criteria": deal.get("stage_exit_criteria")}
        else:
            error = describe(exc, view._)
    context = await board_context(view, pipeline_id or None, owner_id or None)
    return view.render("pipeline/board.html", error=error, prompt=prompt, **context)


@router.get("/forecast")
async def forecast(view: SalesView, owner_id: str | None = None, period: str | None = None,
                   cursor: str | None = None) -> Response:
    params = {"owner_id": owner_id or None, "period": period or None}
    current, snapshots, owners = await asyncio.gather(
        view.api.get("reporting", "/v1/forecast", **params),
        view.api.try_get("reporting", "/v1/forecast/snapshots", default={"items": []}, cursor=cursor, limit=50,
                         **params),
        deal_owners(view),
    )
    return view.render("pipeline/forecast.html", forecast=current, snapshots=items_of(snapshots),
                       owners=owners, owner_id=owner_id or "", period=period or "",
                       next_cursor=(snapshots or {}).get("next_cursor"),
                       query_without_cursor=urlencode({k: v for k, v in params.items() if v}))


@router.post("/forecast/snapshots")
async def take_snapshot(view: SalesView, owner_id: Annotated[str, Form()] = "") -> Response:
    try:
        await view.api.post("reporting", "/v1/forecast/snapshots", json={"owner_id": owner_id} if owner_id else {})
    except ApiError as exc:
        return view.redirect("/forecast", flash=describe(exc, view._))
    return view.redirect("/forecast" + (f"?owner_id={owner_id}" if owner_id else ""),
                         flash=view._("This week's forecast snapshot is saved."))


@router.post("/forecast/quota")
async def set_quota(view: SalesView, request: Request) -> Response:
    """A quota for the period on screen (its bounds come from the forecast the page showed)."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    amount = form.get("amount", "").replace(",", "").strip()
    body = {"owner_id": form.get("owner_id"), "period_start": form.get("period_start"),
            "period_end": form.get("period_end"), "amount": whole_number(amount)}
    back = f"/forecast?owner_id={form.get('owner_id', '')}&period={form.get('period', '')}"
    try:
        await view.api.post("projects", "/v1/quotas", json=body)
    except ApiError as exc:
        return view.redirect(back, flash=describe(exc, view._))
    return view.redirect(back, flash=view._("The quota is set."))
