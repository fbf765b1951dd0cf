"""A director logs in, sees the portfolio, opens a project and reads KPIs that match reporting-api."""

from __future__ import annotations

import re
from datetime import date, timedelta

import httpx
from playwright.sync_api import expect

from e2e.conftest import log_in, screenshot
from e2e.world import World


def test_director_sees_portfolio_and_project_kpis_matching_reporting_api(page, world: World) -> None:
    log_in(page, world.director)
    expect(page).to_have_url(re.compile(r"/home"))
    expect(page.locator("h1")).to_have_text("ポートフォリオ")
    row = page.locator(f'tr[data-project-id="{world.project_id}"]')
    expect(row).to_contain_text(world.project_name)
    expect(row).to_contain_text("/ 20")
    screenshot(page, "director-home")

    row.get_by_role("link", name=world.project_name).click()
    expect(page.locator("h1")).to_contain_text(world.project_name)
    first = date.today().replace(day=1)
    kpis = httpx.get(f"{world.reporting_url}/v1/projects/{world.project_id}/kpis", headers=world.director.headers,
                     params={"from": first.isoformat(), "to": (date.today() + timedelta(days=1)).isoformat()}).json()
    calls = page.locator('[data-kpi="calls"] .value')
    expect(calls).to_have_text(f"{kpis['calls']:,}")
    expect(page.locator('[data-kpi="appointments"] .value')).to_have_text(f"{kpis['appointments']:,}")
    expect(page.locator("#kickoff-panel")).to_contain_text("稼働開始できます")
    screenshot(page, "project-page")


def test_portfolio_sorts_without_a_full_reload(page, world: World) -> None:
    log_in(page, world.director)
    page.evaluate("window.__marker = 'same-page'")
    page.locator("#portfolio thead").get_by_role("link", name="案件", exact=True).click()
    expect(page).to_have_url(re.compile(r"sort=name"))
    assert page.evaluate("window.__marker") == "same-page"
