"""One deal: its figures, MEDDICC qualification and next step (editable), and every tracked change."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.responses import Response

from anken_web.api_client import ApiError
from anken_web.deal_history import history_lines
from anken_web.error_messages import describe
from anken_web.form_values import form_of, version_header, whole_number
from anken_web.input_limits import input_limits
from anken_web.pages.deal_field_errors import DEAL_LIMITS, MEDDICC, field_errors_of
from anken_web.rendering import View, roles
from anken_web.vocabulary import FORECAST_CATEGORIES

router = APIRouter(include_in_schema=False)
# The history a deal page shows (oldest first): a deal's life is far shorter.
HISTORY_LIMIT = 500
SalesView = Annotated[View, Depends(roles("manager", "director", "admin"))]


async def render_deal(view: View, deal_id: str, error: str | None = None, typed: dict[str, str] | None = None,
                      errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    """The deal page; after a refusal, `typed` (what the form sent) fills the form and `errors` are shown
    next to their fields."""
    deal, history, limits = await asyncio.gather(
        view.api.get("projects", f"/v1/deals/{deal_id}"),
        view.api.try_get("projects", f"/v1/deals/{deal_id}/history", default={"items": []}, limit=HISTORY_LIMIT),
        input_limits(view, DEAL_LIMITS),
    )
    lines = history_lines((history or {}).get("items", []), view._, view.fmt)
    return view.render("pipeline/deal.html", status_code=status_code, deal=deal, history=lines, meddicc=MEDDICC,
                       categories=FORECAST_CATEGORIES, error=error, typed=typed or {}, field_errors=errors or {},
                       limits=limits)


@router.get("/deals/{deal_id}")
async def deal_page(view: SalesView, deal_id: str) -> Response:
    return await render_deal(view, deal_id)


@router.post("/deals/{deal_id}")
async def update_deal(view: SalesView, deal_id: str, request: Request) -> Response:
    form = await form_of(request)
    body: dict[str, Any] = {field: form[field].strip() or None for field, _ in MEDDICC if field in form}
    for field in ("amount", "probability"):
        value = form.get(field, "").replace(",", "").strip()
        if value:
            body[field] = whole_number(value)
    if form.get("expected_close_date"):
        body["expected_close_date"] = form["expected_close_date"]
    if form.get("forecast_category"):
        body["forecast_category"] = form["forecast_category"]
    version = form.get("version", "")
    try:
        # If-Match: a colleague's change in the meantime answers 412 instead of being overwritten.
        await view.api.patch("projects", f"/v1/deals/{deal_id}", json=body,
                             headers=version_header(version))
    except ApiError as exc:
        errors = field_errors_of(exc, view._, await input_limits(view, DEAL_LIMITS))
        # A lost race shows the deal as saved meanwhile (its new version) with what was typed kept.
        message = None if errors else describe(exc, view._)
        if exc.status == 412:
            message = view._("Someone else changed this deal in the meantime: the figures above are theirs, and the "
                             "form keeps what you typed. Save again to keep yours.")
        return await render_deal(view, deal_id, error=message, typed=form, errors=errors,
                                 status_code=exc.status if exc.status in (409, 412, 422) else 400)
    return view.redirect(f"/deals/{deal_id}", flash=view._("Saved."))
