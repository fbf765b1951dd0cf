"""Where a person reads what the emulated vendors hold, as the vendors' APIs say it: Confluence's
`_links.base` (the site's wiki root, to which a page's `_links.webui` is joined) and Sheets'
`spreadsheetUrl`. On the real services these are https://<site>.atlassian.net/wiki and
https://docs.google.com/spreadsheets/d/<id>/edit; here they are paths of the sandbox's own address,
which the web app's sandbox viewer recognises and opens as its human pages."""

from __future__ import annotations

from starlette.requests import Request

CONFLUENCE_WIKI = "/confluence/wiki"
SHEETS_WEB = "/sheets"


def site_root(request: Request) -> str:
    """The sandbox's address as the caller reached it (so links work for that caller)."""
    return str(request.base_url).rstrip("/")


def confluence_base(request: Request) -> str:
    return site_root(request) + CONFLUENCE_WIKI


def sheets_web_base(request: Request) -> str:
    return site_root(request) + SHEETS_WEB
