"""The sandbox viewer: what the integrations "sent" while running offline (admin), and the human pages a
project's Confluence and spreadsheet links open in sandbox mode (integration_links.py): one Confluence page
as a person reads it, and one spreadsheet's sheets as tables."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

import nh3
from fastapi import APIRouter, Depends
from markupsafe import Markup
from starlette.responses import Response

from anken_web.api_client import ApiError, ApiUnavailable
from anken_web.error_messages import describe
from anken_web.i18n.extraction import N_
from anken_web.rendering import View, roles

router = APIRouter(include_in_schema=False, prefix="/admin/sandbox")
AdminView = Annotated[View, Depends(roles("admin"))]
# A project's links lead here for everyone who sees the project page, as the vendor's page would.
StaffView = Annotated[View, Depends(roles("admin", "director", "manager", "member"))]

SANDBOX_FEEDS = {
    "slack": "/_sandbox/slack/messages",
    "confluence": "/_sandbox/confluence/pages",
    "sheets": "/_sandbox/sheets/spreadsheets",
    "webhooks": "/_sandbox/webhooks/received",
    "mail": "/_sandbox/mail/messages",  # what the SMTP catcher received (invitation mails)
}
PAGE_STATUSES = {"current": N_("Published"), "draft": N_("Draft"), "trashed": N_("In the trash")}
# Rows of one sheet shown on its page; the rest is counted, not drawn.
SHEET_ROWS_SHOWN = 1000
# What of Confluence's storage format a page shows: ammonia's (nh3) safe tags and attributes, without
# images (nothing is fetched from elsewhere), links with rel="noopener noreferrer"; scripts, styles,
# event handlers and Confluence's ac:/ri: macros are dropped (a macro's text stays).
SAFE_TAGS = set(nh3.ALLOWED_TAGS) - {"img"}
SAFE_URL_SCHEMES = {"http", "https", "mailto"}


def safe_html(storage: str) -> Markup:
    """A page body from the sandbox as HTML that can be put in a page as it is."""
    return Markup(nh3.clean(storage, tags=SAFE_TAGS, url_schemes=SAFE_URL_SCHEMES, link_rel="noopener noreferrer"))


def items_of(result: object) -> list[Any]:
    if isinstance(result, dict):
        return list(result.get("items", []))
    return []


def not_running(view: View, exc: ApiError | ApiUnavailable) -> str:
    if isinstance(exc, ApiUnavailable):
        return view._("The sandbox is not running. It only exists when integrations run offline.")
    return describe(exc, view._)


@router.get("")
async def sandbox(view: AdminView, feed: str = "slack") -> Response:
    feed = feed if feed in SANDBOX_FEEDS else "slack"
    try:
        data, error = await view.api.get("sandbox", SANDBOX_FEEDS[feed]), None
    except (ApiError, ApiUnavailable) as exc:
        data, error = None, not_running(view, exc)
    return view.render("admin/sandbox.html", feed=feed, feeds=list(SANDBOX_FEEDS), entries=items_of(data),
                       error=error)


async def _one(view: View, path: str, missing: str) -> tuple[dict[str, Any] | None, str | None, int]:
    """The sandbox's answer for one page or spreadsheet, or why there is none (and the status to answer)."""
    try:
        return await view.api.get("sandbox", path), None, 200
    except ApiError as exc:
        if exc.status == 404:
            return None, missing, 404
        return None, not_running(view, exc), 502
    except ApiUnavailable as exc:
        return None, not_running(view, exc), 503


@router.get("/confluence/pages/{page_id}")
async def confluence_page(view: StaffView, page_id: str) -> Response:
    page, error, status = await _one(view, f"/_sandbox/confluence/pages/{quote(page_id, safe='')}",
                                     view._("The sandbox holds no Confluence page with this id."))
    return view.render("admin/sandbox_page.html", status_code=status, page=page, error=error,
                       body=safe_html(str(page.get("body") or "")) if page else None,
                       status_label=view._(PAGE_STATUSES.get(str(page.get("status")), N_("Published"))) if page else "")


@router.get("/sheets/{spreadsheet_id}")
async def spreadsheet(view: StaffView, spreadsheet_id: str, gid: int | None = None) -> Response:
    found, error, status = await _one(view, f"/_sandbox/sheets/spreadsheets/{quote(spreadsheet_id, safe='')}",
                                      view._("The sandbox holds no spreadsheet with this id."))
    sheets = list((found or {}).get("sheets") or [])
    sheet = next((s for s in sheets if s.get("sheet_id") == gid), sheets[0] if sheets else None)
    rows = list((sheet or {}).get("values") or [])
    return view.render("admin/sandbox_sheet.html", status_code=status, spreadsheet=found, error=error,
                       sheets=sheets, sheet=sheet, header=rows[0] if rows else [], rows=rows[1:SHEET_ROWS_SHOWN + 1],
                       row_count=max(len(rows) - 1, 0), width=max((len(r) for r in rows), default=0))
