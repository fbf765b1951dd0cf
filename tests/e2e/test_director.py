"""A director logs in, sees the portfolio, opens a project and reads KPIs that match reporting-api."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

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
    # "This month" is the project's (Asia/Tokyo): between 00:00 and 09:00 there the UTC date is a day behind.
    today = datetime.now(ZoneInfo("Asia/Tokyo")).date()
    kpis = httpx.get(f"{world.reporting_url}/v1/projects/{world.project_id}/kpis", headers=world.director.headers,
                     params={"from": today.replace(day=1).isoformat(), "to": (today + timedelta(days=1)).isoformat()}).json()
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


def test_director_changes_the_kpi_period_and_records_a_contract_change(page, world: World) -> None:
    log_in(page, world.director)
    page.goto(f"/projects/{world.project_id}")
    page.select_option("#kpi-preset", "last_month")
    page.locator("#kpi-panel").get_by_role("button", name="表示").click()
    expect(page).to_have_url(re.compile(r"/kpis\?preset=last_month"))
    expect(page.locator('[data-kpi="calls"] .value')).to_have_text("0")  # the project had no calls last month
    page.reload()  # the pushed URL is a whole page too
    expect(page.locator("h1")).to_contain_text(world.project_name)
    expect(page.locator("#kpi-preset")).to_have_value("last_month")

    page.get_by_text("契約変更を記録").click()
    page.select_option("#cc-kind", "upsell")
    page.fill("#cc-date", date.today().isoformat())
    page.fill("#cc-hours", "200")
    page.fill("#cc-note", "架電時間を増枠")
    page.get_by_role("button", name="記録する").click()
    expect(page.locator(".flash")).to_have_text("契約変更を記録しました。")
    row = page.locator("#contracts-title + p + table tbody tr").first
    expect(row).to_contain_text("アップセル")
    expect(row).to_contain_text("200")
    expect(page.locator("#contracts-title + p")).to_contain_text("月間稼働時間: 200")


def test_portfolio_refreshes_itself_when_an_appointment_comes_in(page, world: World) -> None:
    log_in(page, world.director)
    row = page.locator(f'tr[data-project-id="{world.project_id}"]')
    before = row.locator(".bar + small").inner_text()
    booked = int(before.split("/")[0].strip())
    page.evaluate("window.__marker = 'no-reload'")

    member = httpx.Client(base_url=world.projects_url, headers=world.member.headers)
    target = member.post(f"/v1/projects/{world.project_id}/next-target", json={}).json()["target"]
    now = datetime.now(UTC)
    response = member.post(f"/v1/projects/{world.project_id}/calls", json={
        "target_id": target["id"], "member_id": world.member.id, "occurred_at": now.isoformat(),
        "outcome": "appointment", "duration_s": 120,
        "appointment": {"meeting_at": (now + timedelta(days=2)).isoformat(), "qualification": {"budget": "未定"}}})
    assert response.status_code == 201, response.text

    expect(row.locator(".bar + small")).to_contain_text(f"{booked + 1} / 20", timeout=20_000)
    assert page.evaluate("window.__marker") == "no-reload"
