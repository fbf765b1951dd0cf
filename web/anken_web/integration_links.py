"""Where the project page's Confluence and spreadsheet links lead.

The worker stores what the vendor's API says a person opens: Confluence's `_links.base` joined to the
page's `_links.webui`, Sheets' `spreadsheetUrl` with the list sheet's `#gid=`. With real credentials
those are the vendor's pages and are linked as they are. In sandbox mode they are addresses of the
local sandbox (SANDBOX_URL), which serves APIs, not pages: such a link opens the web app's sandbox
viewer page for that Confluence page or spreadsheet instead. Anything that is not http(s) is no link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from jinja2 import pass_context
from jinja2.runtime import Context

# Paths on the sandbox's address (services/sandbox/anken_sandbox/web_links.py): a page's web UI,
# the API address an older worker stored for a page, and a spreadsheet's web address.
SANDBOX_CONFLUENCE_PAGE = re.compile(r"^/confluence/wiki/(?:spaces/[^/]+/pages|api/v2/pages)/(?P<id>[0-9A-Za-z_-]+)(?:/.*)?$")
SANDBOX_SPREADSHEET = re.compile(r"^/sheets/spreadsheets/d/(?P<id>[0-9A-Za-z_-]+)(?:/.*)?$")
GID = re.compile(r"(?:^|&)gid=(?P<gid>\d+)(?:&|$)")
VIEWER = "/admin/sandbox"


@dataclass(frozen=True)
class IntegrationLink:
    href: str
    in_sandbox: bool  # True: the sandbox viewer's page; False: the vendor's page


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower() + f":{parts.port or ''}"


def sandbox_viewer_path(url: str, sandbox_url: str) -> str | None:
    """The sandbox viewer's page for a link to the sandbox, or None when the link is not the sandbox's."""
    parts = urlsplit(url)
    if not sandbox_url or _origin(url) != _origin(sandbox_url):
        return None
    if page := SANDBOX_CONFLUENCE_PAGE.match(parts.path):
        return f"{VIEWER}/confluence/pages/{quote(page['id'])}"
    if sheet := SANDBOX_SPREADSHEET.match(parts.path):
        gid = GID.search(parts.fragment) or GID.search(parts.query)
        return f"{VIEWER}/sheets/{quote(sheet['id'])}" + (f"?gid={gid['gid']}" if gid else "")
    return None


def integration_link(url: str | None, sandbox_url: str) -> IntegrationLink | None:
    """The link to show for a stored Confluence or spreadsheet address; None when there is none to show."""
    if not url:
        return None
    viewer = sandbox_viewer_path(url, sandbox_url)
    if viewer is not None:
        return IntegrationLink(viewer, in_sandbox=True)
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        return None
    return IntegrationLink(url, in_sandbox=False)


@pass_context
def integration_link_filter(context: Context, url: str | None) -> IntegrationLink | None:
    """`{% set link = project.spreadsheet_url | integration_link %}` in a template."""
    return integration_link(url, context["settings"].sandbox_url)
