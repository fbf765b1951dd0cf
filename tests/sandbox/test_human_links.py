"""Where a person reads what the vendors hold, as the APIs say it (Confluence `_links.base` + `_links.webui`,
Sheets `spreadsheetUrl`), pointing at the sandbox itself; and the viewer's one-page and one-spreadsheet feeds
that the web app's sandbox viewer renders as human pages."""

from __future__ import annotations

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from .test_confluence_api import API, BASIC, _create, _space
from .test_sheets_api import bearer

SANDBOX = "http://sandbox.test"  # the test client's base URL: the address the caller reached


async def test_a_pages_links_join_to_the_sandbox_wiki_and_the_viewer_reads_it(sandbox: httpx.AsyncClient) -> None:
    space = await _space(sandbox)
    overview = (await _create(sandbox, space["id"], "A社 案件概要", value="<p>概要</p>")).json()
    report = (await _create(sandbox, space["id"], "A社 週次レポート 2026-W48", overview["id"],
                            value="<h2>今週</h2><p>アポ 3 件</p>")).json()
    assert report["_links"]["base"] == f"{SANDBOX}/confluence/wiki"
    assert report["_links"]["webui"] == f"/spaces/ANKEN/pages/{report['id']}"
    read = (await sandbox.get(f"{API}/pages/{report['id']}", headers=BASIC)).json()
    assert read["_links"]["base"] + read["_links"]["webui"] == f"{SANDBOX}/confluence/wiki/spaces/ANKEN/pages/{report['id']}"
    listed = (await sandbox.get(f"{API}/pages", params={"title": "A社 案件概要"}, headers=BASIC)).json()
    assert listed["_links"]["base"] == f"{SANDBOX}/confluence/wiki"

    detail = (await sandbox.get(f"/_sandbox/confluence/pages/{overview['id']}")).json()
    assert detail["title"] == "A社 案件概要" and detail["body"] == "<p>概要</p>" and detail["version"] == 1
    assert detail["space_key"] == "ANKEN" and detail["space_name"] == "Anken プロジェクト"
    assert detail["children"] == [{"id": report["id"], "title": "A社 週次レポート 2026-W48"}]
    assert detail["parent"]["id"] == space["homepageId"]
    child = (await sandbox.get(f"/_sandbox/confluence/pages/{report['id']}")).json()
    assert child["parent"] == {"id": overview["id"], "title": "A社 案件概要"} and child["children"] == []

    missing = await sandbox.get("/_sandbox/confluence/pages/999999")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")


async def test_a_spreadsheets_url_is_the_sandboxs_and_the_viewer_reads_one_file(sandbox: httpx.AsyncClient) -> None:
    auth = await bearer(sandbox, rsa.generate_private_key(public_exponent=65537, key_size=2048))
    created = (await sandbox.post("/sheets/v4/spreadsheets", headers=auth, json={
        "properties": {"title": "架電リスト"}, "sheets": [{"properties": {"title": "リスト"}}]})).json()
    sid = created["spreadsheetId"]
    assert created["spreadsheetUrl"] == f"{SANDBOX}/sheets/spreadsheets/d/{sid}/edit"
    assert (await sandbox.get(f"/sheets/v4/spreadsheets/{sid}", headers=auth)).json()["spreadsheetUrl"] == \
        created["spreadsheetUrl"]
    shaped = (await sandbox.post(f"/sheets/v4/spreadsheets/{sid}:batchUpdate", headers=auth, json={
        "requests": [{"addSheet": {"properties": {"title": "日次KPI"}}}], "includeSpreadsheetInResponse": True})).json()
    assert shaped["updatedSpreadsheet"]["spreadsheetUrl"] == created["spreadsheetUrl"]
    await sandbox.put(f"/sheets/v4/spreadsheets/{sid}/values/リスト!A1:B2", headers=auth,
                      params={"valueInputOption": "RAW"}, json={"values": [["会社名", "状況"], ["A社", "アポ"]]})

    one = (await sandbox.get(f"/_sandbox/sheets/spreadsheets/{sid}")).json()
    assert one["title"] == "架電リスト"
    assert [s["title"] for s in one["sheets"]] == ["リスト", "日次KPI"]
    assert one["sheets"][0]["values"] == [["会社名", "状況"], ["A社", "アポ"]] and one["sheets"][1]["values"] == []
    missing = await sandbox.get("/_sandbox/sheets/spreadsheets/nope")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")
