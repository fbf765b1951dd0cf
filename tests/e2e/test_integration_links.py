"""In sandbox mode the project page's Confluence and spreadsheet links open the sandbox viewer's pages: the
project's Confluence tree with the published weekly report (title and sanitised body), and the approach
list's rows; the admin viewer's Sheets tab lists the spreadsheet and opens it."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

import httpx
from playwright.sync_api import expect

from e2e.conftest import log_in, screenshot
from e2e.world import World

WEEK = "2026-W07"


def wait_for(what: str, probe: Callable[[], Any], seconds: float = 90) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def linked_project(world: World) -> dict:
    """The project once the worker has linked its Confluence tree and its spreadsheet (kickoff deliveries)."""
    def probe() -> dict | None:
        body = httpx.get(f"{world.projects_url}/v1/projects/{world.project_id}", headers=world.director.headers,
                         timeout=10).json()
        return body if body.get("confluence_page_url") and body.get("spreadsheet_url") else None
    return wait_for("the project's Confluence and spreadsheet links", probe)


def publish_weekly_report(world: World, sandbox_url: str) -> str:
    reports = f"{world.reporting_url}/v1/projects/{world.project_id}/weekly-reports/{WEEK}"
    saved = httpx.put(f"{reports}/draft", headers=world.director.headers, timeout=30,
                      json={"notes": {"learnings": ["午前中は決裁者につながりやすい"]}})
    assert saved.status_code == 200, saved.text
    published = httpx.post(f"{reports}/publish", headers=world.director.headers, timeout=30)
    assert published.status_code in (200, 201), published.text
    title = f"{world.project_name} 週次レポート {WEEK}"

    def probe() -> bool:
        pages = httpx.get(f"{sandbox_url}/_sandbox/confluence/pages", timeout=10).json()["items"]
        return any(p["title"] == title for p in pages)
    wait_for("the weekly report's Confluence page", probe)
    return title


def listed_rows(sandbox_url: str, spreadsheet_url: str) -> bool:
    """The approach list in the sandbox holds the imported targets (a header and 30 rows)."""
    for spreadsheet in httpx.get(f"{sandbox_url}/_sandbox/sheets/spreadsheets", timeout=10).json()["items"]:
        if spreadsheet["spreadsheet_id"] in spreadsheet_url:
            return any(len(sheet["values"]) >= 31 for sheet in spreadsheet["sheets"])
    return False


def test_project_links_open_the_sandbox_viewers_confluence_page_and_sheet(page, world: World, services) -> None:
    project = linked_project(world)
    sandbox_url = services["sandbox"]
    # The stored addresses are the sandbox's own pages (Confluence _links.base + webui, Sheets spreadsheetUrl).
    assert project["confluence_page_url"].startswith(f"{sandbox_url}/confluence/wiki/spaces/")
    assert project["spreadsheet_url"].startswith(f"{sandbox_url}/sheets/spreadsheets/d/")
    assert "#gid=" in project["spreadsheet_url"]
    report_title = publish_weekly_report(world, sandbox_url)
    wait_for("the targets in the approach list", lambda: listed_rows(sandbox_url, project["spreadsheet_url"]))

    log_in(page, world.director)
    page.goto(f"/projects/{world.project_id}")
    confluence = page.locator('a[data-integration="confluence"]')
    expect(confluence).to_have_text("サンドボックスビューアで開く")
    assert confluence.get_attribute("href").startswith("/admin/sandbox/confluence/pages/")
    confluence.click()
    expect(page.locator("#page-title")).to_contain_text(world.project_name)
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
    expect(page.locator("[data-parent]")).to_contain_text(world.project_name)
    screenshot(page, "sandbox-confluence-page")

    page.goto(f"/projects/{world.project_id}")
    sheet = page.locator('a[data-integration="sheets"]')
    expect(sheet).to_have_text("サンドボックスビューアで開く")
    sheet.click()
    expect(page).to_have_url(re.compile(r"/admin/sandbox/sheets/[^?]+\?gid=\d+$"))
    expect(page.locator("#sheet-title")).to_contain_text(world.project_name)
    table = page.locator("#sheet-values")
    expect(table.locator("thead th").nth(1)).to_have_text("企業名")
    expect(table.locator("tbody tr")).to_have_count(30)
    expect(table).to_contain_text("株式会社テスト")
    screenshot(page, "sandbox-sheet")
    # The other sheet is a tab away.
    page.get_by_role("navigation", name="シート").get_by_role("link", name="日次KPI").click()
    expect(page.locator("h2").first).to_contain_text("日次KPI")


def test_admin_sandbox_sheets_tab_lists_the_spreadsheet_and_opens_it(page, world: World, services) -> None:
    project = linked_project(world)
    log_in(page, world.admin)
    response = page.goto("/admin/sandbox?feed=sheets")
    assert response.status == 200
    expect(page.locator(".error")).to_have_count(0)
    title = page.locator("section.card h2 a").filter(has_text=world.project_name)
    expect(title).to_have_count(1)
    title.click()
    assert page.url.split("/admin/sandbox/sheets/", 1)[1].split("?")[0] in project["spreadsheet_url"]
    expect(page.locator("#sheet-title")).to_contain_text(world.project_name)

    missing = page.goto("/admin/sandbox/sheets/no-such-sheet")
    assert missing.status == 404
    expect(page.locator(".error")).to_contain_text("スプレッドシートはありません")
