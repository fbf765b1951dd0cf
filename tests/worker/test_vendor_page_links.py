"""The addresses the worker stores for people (the project's Confluence page and spreadsheet) are the ones the
vendors' APIs give: Confluence `_links.base` + `_links.webui`, Sheets `spreadsheetUrl` on the list sheet."""

from __future__ import annotations

import httpx

from anken_worker.actions.confluence import page_url
from anken_worker.actions.sheets import LIST_SHEET, web_url
from anken_worker.adapters.confluence.client import ConfluenceClient


def confluence(base_url: str) -> ConfluenceClient:
    return ConfluenceClient(httpx.AsyncClient(), base_url, "bot@example.jp", "token", "1")


def test_a_confluence_page_opens_at_its_web_ui_never_at_the_api() -> None:
    client = confluence("https://example.atlassian.net/wiki/api/v2/")
    page = {"id": "65538", "_links": {"base": "https://example.atlassian.net/wiki",
                                      "webui": "/spaces/ANKEN/pages/65538/Overview"}}
    assert page_url(client, page) == "https://example.atlassian.net/wiki/spaces/ANKEN/pages/65538/Overview"
    # An answer without `base` (Confluence sends it on lists): the wiki root the API lives under.
    without_base = {"id": "65538", "_links": {"webui": "/spaces/ANKEN/pages/65538/Overview"}}
    assert page_url(client, without_base) == "https://example.atlassian.net/wiki/spaces/ANKEN/pages/65538/Overview"
    assert "/api/" not in page_url(client, {"id": "65538"})
    sandbox = confluence("http://127.0.0.1:8010/confluence/wiki/api/v2/")
    assert page_url(sandbox, without_base) == "http://127.0.0.1:8010/confluence/wiki/spaces/ANKEN/pages/65538/Overview"


def test_a_spreadsheet_opens_at_its_url_from_the_api_on_the_list_sheet() -> None:
    answer = {"spreadsheetUrl": "https://docs.google.com/spreadsheets/d/abc/edit", "sheets": [
        {"properties": {"sheetId": 0, "title": "日次KPI"}}, {"properties": {"sheetId": 812, "title": LIST_SHEET}}]}
    assert web_url(answer, "abc") == "https://docs.google.com/spreadsheets/d/abc/edit#gid=812"
    sandbox = {**answer, "spreadsheetUrl": "http://127.0.0.1:8010/sheets/spreadsheets/d/abc/edit"}
    assert web_url(sandbox, "abc") == "http://127.0.0.1:8010/sheets/spreadsheets/d/abc/edit#gid=812"
    assert web_url({}, "abc") == "https://docs.google.com/spreadsheets/d/abc/edit"
