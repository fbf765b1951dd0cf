"""In sandbox mode the project page's Confluence and spreadsheet links open the sandbox viewer's pages: the
project's Confluence tree with the published weekly report (title and sanitised body), and the approach
list's rows; the admin viewer's Sheets tab lists the spreadsheet and opens it.

The tests use a project of their own (other tests edit the shared project's links by hand)."""

from __future__ import annotations

import io
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import expect

from e2e.conftest import log_in, screenshot
from e2e.world import World, ok

WEEK = "2026-W07"
TARGETS = 12


@dataclass
class LinkedProject:
    id: str
    name: str
    confluence_page_url: str
    spreadsheet_url: str


def wait_for(what: str, probe: Callable[[], Any], seconds: float = 120) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="module")
def project(world: World, services) -> LinkedProject:
    """A project of the world's director, kicked off (the worker makes its Confluence tree and spreadsheet)
    with a target list whose rows reach the spreadsheet, and a published weekly report."""
    api = httpx.Client(base_url=world.projects_url, headers=world.admin.headers, timeout=30)
    name = f"連携リンク {uuid.uuid4().hex[:6]}"
    project_id = ok(api.post("/v1/projects", json={
        "client_id": world.client_id, "name": name, "product": "勤怠管理クラウド", "director_id": world.director.id,
        "monthly_appointment_target": 10, "contracted_monthly_hours": 80}))["id"]
    for item in ok(api.get(f"/v1/projects/{project_id}/kickoff-items"))["items"]:
        ok(api.patch(f"/v1/projects/{project_id}/kickoff-items/{item['key']}", json={"agreed": True, "value": "合意済み"}))
    for status in ("kickoff", "active"):
        ok(api.post(f"/v1/projects/{project_id}/transitions", json={"to": status}))
    list_id = ok(api.post(f"/v1/projects/{project_id}/target-lists", json={"name": "連携確認リスト"}))["id"]
    rows = ["会社名,電話番号,業種"] + [f"株式会社リンク確認{i:02d},03-{6000 + i:04d}-{2000 + i:04d},製造業" for i in range(TARGETS)]
    ok(api.post(f"/v1/target-lists/{list_id}/imports", data={"dry_run": "false"},
                files={"file": ("targets.csv", io.BytesIO("\n".join(rows).encode()), "text/csv")}))

    def linked() -> dict | None:
        body = ok(api.get(f"/v1/projects/{project_id}"))
        return body if body.get("confluence_page_url") and body.get("spreadsheet_url") else None
    body = wait_for("the project's Confluence and spreadsheet links", linked)

    reports = f"{world.reporting_url}/v1/projects/{project_id}/weekly-reports/{WEEK}"
    saved = httpx.put(f"{reports}/draft", headers=world.director.headers, timeout=30,
                      json={"notes": {"learnings": ["午前中は決裁者につながりやすい"]}})
    assert saved.status_code == 200, saved.text
    published = httpx.post(f"{reports}/publish", headers=world.director.headers, timeout=30)
    assert published.status_code == 201, published.text

    sandbox = services["sandbox"]

    def report_page() -> bool:
        pages = httpx.get(f"{sandbox}/_sandbox/confluence/pages", timeout=10).json()["items"]
        return any(p["title"] == f"{name} 週次レポート {WEEK}" for p in pages)

    def listed_rows() -> bool:
        for spreadsheet in httpx.get(f"{sandbox}/_sandbox/sheets/spreadsheets", timeout=10).json()["items"]:
            if spreadsheet["spreadsheet_id"] in body["spreadsheet_url"]:
                return any(len(sheet["values"]) > TARGETS for sheet in spreadsheet["sheets"])
        return False
    wait_for("the weekly report's Confluence page", report_page)
    wait_for("the targets in the approach list", listed_rows)
    return LinkedProject(project_id, name, body["confluence_page_url"], body["spreadsheet_url"])


def test_project_links_open_the_sandbox_viewers_confluence_page_and_sheet(page, world: World, services,
                                                                          project: LinkedProject) -> None:
    # The stored addresses are the sandbox's own pages (Confluence _links.base + webui, Sheets spreadsheetUrl).
    assert project.confluence_page_url.startswith(f"{services['sandbox']}/confluence/wiki/spaces/")
    assert re.fullmatch(rf"{re.escape(services['sandbox'])}/sheets/spreadsheets/d/[\w-]+/edit#gid=\d+",
                        project.spreadsheet_url), project.spreadsheet_url
    report_title = f"{project.name} 週次レポート {WEEK}"

    log_in(page, world.director)
    page.goto(f"/projects/{project.id}")
    confluence = page.locator('a[data-integration="confluence"]')
    expect(confluence).to_have_text("サンドボックスビューアで開く")
    assert confluence.get_attribute("href").startswith("/admin/sandbox/confluence/pages/")
    confluence.click()
    expect(page.locator("#page-title")).to_contain_text(project.name)
    expect(page.locator("#page-meta")).to_contain_text("第 1 版")
    children = page.locator("#page-children a")
    expect(children.filter(has_text=report_title)).to_have_count(1)
    children.filter(has_text=report_title).click()

    expect(page.locator("#page-title")).to_have_text(report_title)
    body = page.locator("#page-body")
    expect(body.locator("h1")).to_contain_text(f"{report_title} (第 1 版)")
    # The body is rendered as HTML (a real link), not shown as markup.
    expect(body.get_by_role("link", name="レポートを開く")).to_have_attribute("rel", "noopener noreferrer")
    expect(body).not_to_contain_text("<p>")
    expect(page.locator("[data-parent]")).to_contain_text(project.name)
    screenshot(page, "sandbox-confluence-page")

    page.goto(f"/projects/{project.id}")
    sheet = page.locator('a[data-integration="sheets"]')
    expect(sheet).to_have_text("サンドボックスビューアで開く")
    sheet.click()
    expect(page).to_have_url(re.compile(r"/admin/sandbox/sheets/[^?]+\?gid=\d+$"))
    expect(page.locator("#sheet-title")).to_contain_text(project.name)
    table = page.locator("#sheet-values")
    # The approach list leads with the company and keeps the worker's row id last.
    expect(table.locator("thead th").first).to_have_text("企業名")
    expect(table.locator("thead th").last).to_have_text("ID")
    expect(table.locator("tbody tr")).to_have_count(TARGETS)
    expect(table).to_contain_text("株式会社リンク確認00")
    screenshot(page, "sandbox-sheet")
    # The other sheet is a tab away.
    page.get_by_role("navigation", name="シート").get_by_role("link", name="日次KPI").click()
    expect(page.locator("h2").first).to_contain_text("日次KPI")


def test_admin_sandbox_sheets_tab_lists_the_spreadsheet_and_opens_it(page, world: World,
                                                                     project: LinkedProject) -> None:
    log_in(page, world.admin)
    response = page.goto("/admin/sandbox?feed=sheets")
    assert response.status == 200
    expect(page.locator(".error")).to_have_count(0)
    title = page.locator("section.card h2 a").filter(has_text=project.name)
    expect(title).to_have_count(1)
    title.click()
    assert page.url.split("/admin/sandbox/sheets/", 1)[1].split("?")[0] in project.spreadsheet_url
    expect(page.locator("#sheet-title")).to_contain_text(project.name)

    missing = page.goto("/admin/sandbox/sheets/no-such-sheet")
    assert missing.status == 404
    expect(page.locator(".error")).to_contain_text("スプレッドシートはありません")
