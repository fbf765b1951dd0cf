"""The project page's Confluence and spreadsheet links: the vendor's page as stored, or, for an address of
the local sandbox, the sandbox viewer's page; and a sandbox page's body is shown sanitised."""

from __future__ import annotations

from anken_web.integration_links import IntegrationLink, integration_link
from anken_web.pages.sandbox import safe_html

SANDBOX = "http://127.0.0.1:8010"


def test_sandbox_addresses_open_the_viewers_pages() -> None:
    page = integration_link(f"{SANDBOX}/confluence/wiki/spaces/ANKEN/pages/65538", SANDBOX)
    assert page == IntegrationLink("/admin/sandbox/confluence/pages/65538", in_sandbox=True)
    # The API address an older worker stored for a page leads to the same page.
    assert integration_link(f"{SANDBOX}/confluence/wiki/api/v2/pages/65538", SANDBOX) == page
    sheet = integration_link(f"{SANDBOX}/sheets/spreadsheets/d/1AbC-d_9/edit#gid=812", SANDBOX)
    assert sheet == IntegrationLink("/admin/sandbox/sheets/1AbC-d_9?gid=812", in_sandbox=True)
    assert integration_link(f"{SANDBOX}/sheets/spreadsheets/d/1AbC/edit", SANDBOX) == \
        IntegrationLink("/admin/sandbox/sheets/1AbC", in_sandbox=True)
    # The sandbox as the worker reached it under compose (SANDBOX_URL names it for the web too).
    assert integration_link("http://sandbox:8010/confluence/wiki/spaces/ANKEN/pages/7", "http://sandbox:8010") == \
        IntegrationLink("/admin/sandbox/confluence/pages/7", in_sandbox=True)


def test_vendor_pages_are_linked_as_they_are_and_nothing_else_is_a_link() -> None:
    real_page = "https://example.atlassian.net/wiki/spaces/ANKEN/pages/65538/Overview"
    assert integration_link(real_page, SANDBOX) == IntegrationLink(real_page, in_sandbox=False)
    real_sheet = "https://docs.google.com/spreadsheets/d/1AbC/edit#gid=812"
    assert integration_link(real_sheet, SANDBOX) == IntegrationLink(real_sheet, in_sandbox=False)
    # The same path on another host is that host's page, not the sandbox's.
    elsewhere = "http://127.0.0.1:9999/confluence/wiki/spaces/ANKEN/pages/65538"
    assert integration_link(elsewhere, SANDBOX) == IntegrationLink(elsewhere, in_sandbox=False)
    # Another sandbox path (an API answer) is not a page of the viewer: linked as it is.
    assert integration_link(f"{SANDBOX}/_sandbox/slack/messages", SANDBOX).in_sandbox is False
    assert integration_link("javascript:alert(1)", SANDBOX) is None
    assert integration_link(None, SANDBOX) is None and integration_link("", SANDBOX) is None


def test_a_page_body_keeps_its_text_and_layout_but_no_script() -> None:
    storage = ('<h1>週次レポート</h1><p onclick="steal()">アポ <b>3</b> 件<script>alert(1)</script></p>'
               '<p><a href="javascript:alert(2)">x</a> <a href="https://anken.example/r">レポートを開く</a></p>'
               '<img src="https://tracker.example/p.gif"><table><tr><td>A社</td></tr></table>'
               '<ac:structured-macro ac:name="info"><ac:rich-text-body><p>注意</p></ac:rich-text-body></ac:structured-macro>')
    html = str(safe_html(storage))
    assert "<h1>週次レポート</h1>" in html and "<b>3</b>" in html and "<td>A社</td>" in html and "注意" in html
    assert "script" not in html and "alert" not in html and "onclick" not in html and "<img" not in html
    assert '<a href="https://anken.example/r" rel="noopener noreferrer">レポートを開く</a>' in html
    assert "ac:" not in html
