"""Pipeline board (deals by stage, drag-and-drop or keyboard to move a stage, exit-criteria prompt,
aging and overdue badges) and the forecast view (commit / best case / pipeline, quota, coverage,
snapshots with their accuracy)."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Request
from starlette.responses import Response

from anken_web import field_errors
from anken_web.api_client import ApiError
from anken_web.error_messages import describe
from anken_web.field_errors import Gettext, Refusal
from anken_web.form_values import form_of, version_header, whole_number
from anken_web.formatting import Formatter
from anken_web.i18n.extraction import N_
from anken_web.input_limits import input_limits
from anken_web.pages import deal_field_errors
from anken_web.pages.deal_field_errors import DEAL_LIMITS
from anken_web.rendering import View, roles
from anken_web.vocabulary import FORECAST_CATEGORIES, LEAD_SOURCES

router = APIRouter(include_in_schema=False)
SalesView = Annotated[View, Depends(roles("manager", "director", "admin"))]


def items_of(result: dict[str, Any] | list[Any] | None) -> list[Any]:
    if isinstance(result, dict):
        return list(result.get("items", []))
    return list(result or [])


async def deal_owners(view: View) -> list[dict[str, Any]]:
    """Managers and directors: the people who own deals. A director reads only their own figures
    (the access rule), so they are offered only themselves."""
    if view.session.role == "director":
        return [{"id": view.user.get("id"), "name": view.user.get("name")}]
    managers, directors = await asyncio.gather(
        view.api.try_get("projects", "/v1/users", default={"items": []}, role="manager", limit=200),
        view.api.try_get("projects", "/v1/users", default={"items": []}, role="director", limit=200),
    )
    return items_of(managers) + items_of(directors)


@dataclass(frozen=True)
class BoardFilter:
    """What one board shows: the open deals of one pipeline, of one owner or everyone. The cards and the
    tiles above them are asked with this one definition, so the tiles count exactly the cards."""

    pipeline_id: str
    owner_id: str | None

    def deals_query(self) -> dict[str, str | None]:
        return {"pipeline_id": self.pipeline_id, "owner_id": self.owner_id, "status": "open"}

    def summary_query(self) -> dict[str, str | None]:
        # reporting-api's summary counts the open deals of the same pipeline and owner (`pipeline_id`).
        return {"pipeline_id": self.pipeline_id, "owner_id": self.owner_id}


async def board_deals(view: View, board: BoardFilter) -> list[dict[str, Any]]:
    """Every open deal of the board: follow the pages (bounded)."""
    deals: list[dict[str, Any]] = []
    cursor = None
    for _page in range(20):
        page = await view.api.get("projects", "/v1/deals", **board.deals_query(), cursor=cursor, limit=200)
        deals += items_of(page)
        cursor = page.get("next_cursor") if isinstance(page, dict) else None
        if not cursor:
            break
    return deals


async def board_context(view: View, pipeline_id: str | None, owner_id: str | None) -> dict[str, Any]:
    """The board's pipeline, its cards by stage and the tiles' summary, all of one BoardFilter."""
    pipelines = items_of(await view.api.get("projects", "/v1/pipelines"))
    pipeline = next((p for p in pipelines if str(p["id"]) == pipeline_id), None) or next(
        (p for p in pipelines if p.get("is_default")), pipelines[0] if pipelines else None)
    deals: list[dict[str, Any]] = []
    summary = None
    if pipeline:
        board = BoardFilter(str(pipeline["id"]), owner_id)
        deals, summary = await asyncio.gather(
            board_deals(view, board),
            view.api.try_get("reporting", "/v1/pipeline/summary", **board.summary_query()),
        )
    by_stage: dict[str, list[dict[str, Any]]] = {}
    for deal in deals:
        by_stage.setdefault(str(deal.get("stage_id")), []).append(deal)
    owners = await deal_owners(view)
    return {"pipelines": pipelines, "pipeline": pipeline, "by_stage": by_stage, "owner_id": owner_id or "",
            "owners": owners, "deal_count": len(deals), "summary": summary}


@router.get("/pipeline")
async def board(view: SalesView, pipeline_id: str | None = None, owner_id: str | None = None) -> Response:
    return await render_board(view, pipeline_id, owner_id or None)


async def render_board(view: View, pipeline_id: str | None, owner_id: str | None, *, new_deal: dict[str, Any] | None = None,
                       new_deal_errors: dict[str, str] | None = None, new_deal_error: str | None = None,
                       status_code: int = 200) -> Response:
    """The board page; after a refused new deal, its form open with what was typed and the errors next to
    their fields."""
    context = await board_context(view, pipeline_id, owner_id)
    return view.render("pipeline/board_page.html", status_code=status_code, attempt=uuid.uuid4().hex,
                       forecast_categories=FORECAST_CATEGORIES, lead_sources=LEAD_SOURCES, new_deal=new_deal or {},
                       new_deal_errors=new_deal_errors or {}, new_deal_error=new_deal_error, **context)


@router.post("/pipeline/deals")
async def create_deal(view: SalesView, request: Request) -> Response:
    form = await form_of(request)
    body: dict[str, Any] = {"name": form.get("name", "").strip(), "account_name": form.get("account_name", "").strip(),
                  "forecast_category": form.get("forecast_category") or "pipeline"}
    amount = form.get("amount", "").replace(",", "").strip()
    if amount:
        body["amount"] = whole_number(amount)
    for field in ("pipeline_id", "expected_close_date", "lead_source", "next_step"):
        if form.get(field, "").strip():
            body[field] = form[field].strip()
    try:
        await view.api.request("projects", "POST", "/v1/deals", json=body,
                               headers={"Idempotency-Key": form.get("attempt") or uuid.uuid4().hex})
    except ApiError as exc:
        errors = deal_field_errors.field_errors_of(exc, view._, await input_limits(view, DEAL_LIMITS))
        return await render_board(view, form.get("pipeline_id") or None, None, new_deal=form, new_deal_errors=errors,
                                  new_deal_error=None if errors else describe(exc, view._),
                                  status_code=exc.status if exc.status in (409, 422) else 400)
    return view.redirect(f"/pipeline?pipeline_id={form.get('pipeline_id', '')}",
                         flash=view._("Deal %(name)s created.", name=body["name"]))


@router.post("/pipeline/deals/{deal_id}/move")
async def move_deal(
    view: SalesView, deal_id: str,
    stage_id: Annotated[str, Form()],
    version: Annotated[str, Form()] = "",
    confirmed: Annotated[str, Form()] = "",
    pipeline_id: Annotated[str, Form()] = "",
    owner_id: Annotated[str, Form()] = "",
) -> Response:
    body: dict[str, Any] = {"stage_id": stage_id}
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


# Who may set and change quotas: projects-api's rule (QuotaWriter: managers; admins pass every role check).
QUOTA_WRITERS = ("manager", "admin")
# The forecast's own query fields, kept on every link and refused form of the page.
FORECAST_FIELDS = ("owner_id", "period")


@dataclass(frozen=True)
class QuotaForm:
    """A quota form the API refused: which one (a quota's id, or "new"), what was typed, and why."""

    quota_id: str
    amount: str
    error: str


def quota_kind(period_label: str | None) -> str:
    """`2026-Q4` → quarterly, `2026-11` → monthly (reporting-api names a quota's period only when it is
    exactly a month or a quarter), else a quota of its own span."""
    if not period_label:
        return N_("Quota")
    return N_("Quarterly quota") if "-Q" in period_label else N_("Monthly quota")


def quota_derivation(forecast: dict[str, Any], names: dict[str, str], _: Gettext, fmt: Formatter) -> list[dict[str, Any]]:
    """How the forecast's quota was derived (its `quota_parts`), one sentence per quota as entered:
    「四半期クォータ ￥50,000,000（2026/10/01〜2026/12/31）のうち 31/92 日」, with a link to the quota's own
    period when only part of it counts."""
    lines = []
    for part in forecast.get("quota_parts") or []:
        values = {"kind": _(quota_kind(part.get("period"))), "amount": fmt.yen(part.get("amount")),
                  "start": fmt.date(part.get("period_start")), "end": fmt.last_day(part.get("period_end")),
                  "days": part.get("shared_days"), "total": part.get("quota_days")}
        if part.get("whole"):
            text = _("%(kind)s %(amount)s (%(start)s – %(end)s), counted whole", **values)
        else:
            text = _("%(kind)s %(amount)s (%(start)s – %(end)s): %(days)s of its %(total)s days", **values)
        if not forecast.get("owner_id"):
            owner = names.get(str(part.get("owner_id"))) or _("(no longer registered)")
            text = _("%(owner)s: %(text)s", owner=owner, text=text)
        lines.append({"text": text, "period": None if part.get("whole") else part.get("period")})
    return lines


def quota_sentence(refusal: Refusal, _: Gettext) -> str:
    return _("%(label)s: enter a whole number of yen, 0 or more (e.g. 50,000,000).", label=_("Quota (yen)"))


def quota_error(exc: ApiError, _: Gettext, current_amount: str | None) -> str:
    """The sentence shown next to a refused quota's amount (`current_amount`: the quota's amount now,
    formatted, when a colleague's change refused it)."""
    errors = field_errors.field_errors_of(exc, _, lambda field: ("amount", None, None) if field == "amount" else None,
                                          quota_sentence)
    if "amount" in errors:
        return errors["amount"]
    if exc.status == 412 and current_amount is not None:
        return _("Someone else changed this quota in the meantime: it is now %(amount)s. Save again to replace "
                 "it with yours.", amount=current_amount)
    if exc.status == 409:
        return _("This owner already has a quota that overlaps this period: change that one instead.")
    return describe(exc, _)


async def render_forecast(view: View, owner_id: str | None, period: str | None, cursor: str | None = None,
                          quota_form: QuotaForm | None = None, status_code: int = 200) -> Response:
    params = {"owner_id": owner_id or None, "period": period or None}
    period_error = None
    try:
        current = await view.api.get("reporting", "/v1/forecast", **params)
    except ApiError as exc:
        if exc.status != 422:
            raise
        # A period typed by hand that is neither a month nor a quarter: say so, show the default period.
        period_error = _period_error(view._)
        params["period"] = None
        current = await view.api.get("reporting", "/v1/forecast", owner_id=owner_id or None)
    snapshots, owners, quotas = await asyncio.gather(
        view.api.try_get("reporting", "/v1/forecast/snapshots", default={"items": []}, cursor=cursor, limit=50,
                         **params),
        deal_owners(view),
        view.api.try_get("projects", "/v1/quotas", default={"items": []}, owner_id=owner_id or None,
                         period_from=current.get("period_start"), period_to=current.get("period_end"), limit=200),
    )
    names = {str(o.get("id")): str(o.get("name")) for o in owners}
    return view.render(
        "pipeline/forecast.html", status_code=status_code, forecast=current, snapshots=items_of(snapshots),
        owners=owners, owner_id=owner_id or "", period=period or "", period_error=period_error,
        typed_period=period if period_error else None,
        quota_lines=quota_derivation(current, names, view._, view.fmt), quotas=items_of(quotas), owner_names=names,
        can_set_quotas=view.session.role in QUOTA_WRITERS, quota_form=quota_form,
        next_cursor=(snapshots or {}).get("next_cursor"),
        query_without_cursor=urlencode({k: v for k, v in params.items() if v}),
    )


def _period_error(_: Gettext) -> str:
    return _("%(label)s: enter a month like 2026-11 or a quarter like 2026-Q4.", label=_("Period"))


@router.get("/forecast")
async def forecast(view: SalesView, owner_id: str | None = None, period: str | None = None,
                   cursor: str | None = None) -> Response:
    return await render_forecast(view, owner_id, period, cursor)


@router.post("/forecast/snapshots")
async def take_snapshot(view: SalesView, owner_id: Annotated[str, Form()] = "") -> Response:
    # The form has no typed field (the owner is the page's filter): a refusal is the whole form's, in the
    # banner, on the same owner's forecast.
    back = "/forecast" + (f"?{urlencode({'owner_id': owner_id})}" if owner_id else "")
    try:
        await view.api.post("reporting", "/v1/forecast/snapshots", json={"owner_id": owner_id} if owner_id else {})
    except ApiError as exc:
        return view.redirect(back, error=describe(exc, view._))
    return view.redirect(back, flash=view._("This week's forecast snapshot is saved."))


@router.post("/forecast/quota")
async def set_quota(view: SalesView, request: Request) -> Response:
    """A quota for the period on screen, as entered (its bounds come from the forecast the page showed)."""
    form = await form_of(request)
    amount = form.get("amount", "")
    body = {"owner_id": form.get("owner_id"), "period_start": form.get("period_start"),
            "period_end": form.get("period_end"), "amount": whole_number(amount.replace(",", ""))}
    try:
        await view.api.post("projects", "/v1/quotas", json=body)
    except ApiError as exc:
        refused = QuotaForm("new", amount, quota_error(exc, view._, None))
        return await render_forecast(view, form.get("owner_id"), form.get("period"), quota_form=refused,
                                     status_code=exc.status if exc.status in (409, 422) else 400)
    return view.redirect(_forecast_url(form), flash=view._("The quota is set."))


@router.post("/forecast/quotas/{quota_id}")
async def change_quota(view: SalesView, quota_id: uuid.UUID, request: Request) -> Response:
    """A quota's new amount, as entered; If-Match on the version the page showed."""
    form = await form_of(request)
    amount = form.get("amount", "")
    try:
        saved = await view.api.patch("projects", f"/v1/quotas/{quota_id}",
                                     json={"amount": whole_number(amount.replace(",", ""))},
                                     headers=version_header(form.get("version", "")))
    except ApiError as exc:
        current = await view.api.try_get("projects", f"/v1/quotas/{quota_id}") if exc.status == 412 else None
        now = view.fmt.yen(current.get("amount")) if isinstance(current, dict) else None
        refused = QuotaForm(str(quota_id), amount, quota_error(exc, view._, now))
        return await render_forecast(view, form.get("owner_id"), form.get("period"), quota_form=refused,
                                     status_code=exc.status if exc.status in (404, 412, 422) else 400)
    return view.redirect(_forecast_url(form), flash=view._("The quota is saved: %(amount)s.",
                                                           amount=view.fmt.yen(saved.get("amount"))))


def _forecast_url(form: dict[str, str]) -> str:
    query = urlencode({k: form[k] for k in FORECAST_FIELDS if form.get(k)})
    return "/forecast" + (f"?{query}" if query else "")
