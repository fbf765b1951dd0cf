"""A manager drags a deal to the next stage; moving forward asks to confirm the exit criteria."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect

from e2e.conftest import log_in
from e2e.world import World


def test_manager_drags_a_deal_to_the_next_stage(page, world: World) -> None:
    log_in(page, world.manager)
    page.goto(f"/pipeline?pipeline_id={world.pipeline['id']}")
    lead, proposal = world.pipeline["stages"][0], world.pipeline["stages"][1]
    card = page.locator(f'.deal[data-deal-id="{world.deal_id}"]')
    expect(page.locator(f'.column[data-stage-id="{lead["id"]}"]')).to_contain_text("SFA導入")

    card.drag_to(page.locator(f'.column[data-stage-id="{proposal["id"]}"]'))
    prompt = page.locator("#exit-prompt")
    expect(prompt).to_contain_text("初回商談の日程が確定している")
    prompt.get_by_role("button", name="はい、商談を移動します").click()

    expect(page.locator(f'.column[data-stage-id="{proposal["id"]}"] .deal[data-deal-id="{world.deal_id}"]')).to_be_visible()
    deal = httpx.get(f"{world.projects_url}/v1/deals/{world.deal_id}", headers=world.manager.headers).json()
    assert deal["stage_name"] == "提案"
    assert deal["probability"] == 50


def test_manager_creates_a_deal_on_the_board(page, world: World) -> None:
    log_in(page, world.manager)
    page.goto(f"/pipeline?pipeline_id={world.pipeline['id']}")
    page.get_by_text("新規商談").click()
    page.get_by_label("商談名").fill("勤怠クラウド追加導入")
    page.get_by_label("取引先").fill("株式会社追加商事")
    page.get_by_label("金額(円)").fill("1,200,000")
    page.select_option("#nd-category", "commit")
    page.get_by_role("button", name="商談を作成").click()
    expect(page.locator(".flash")).to_contain_text("勤怠クラウド追加導入")
    lead = world.pipeline["stages"][0]
    card = page.locator(f'.column[data-stage-id="{lead["id"]}"] .deal', has_text="勤怠クラウド追加導入")
    expect(card).to_contain_text("￥1,200,000")
    expect(card).to_contain_text("コミット")


def test_manager_sets_a_quota_and_takes_a_forecast_snapshot(page, world: World) -> None:
    log_in(page, world.manager)
    page.goto(f"/forecast?owner_id={world.manager.id}")
    page.fill("#q-amount", "10,000,000")
    page.get_by_role("button", name="クォータを設定").click()
    expect(page.locator(".flash")).to_have_text("クォータを設定しました。")
    quota = page.locator(".kpi", has_text="クォータ")
    for _ in range(40):  # reporting-api hears of the quota through the events stream
        if "10,000,000" in quota.inner_text():
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(quota).to_contain_text("￥10,000,000")
    page.get_by_role("button", name="今週のスナップショットを取得").click()
    expect(page.locator(".flash")).to_contain_text("スナップショットを保存しました")
    expect(page.locator("table tbody tr").first).to_be_visible()


def test_manager_edits_a_deal_and_reads_its_history(page, world: World) -> None:
    log_in(page, world.manager)
    page.goto(f"/pipeline?pipeline_id={world.pipeline['id']}")
    page.locator(f'.deal[data-deal-id="{world.deal_id}"]').get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text("SFA導入")
    page.fill("#d-amount", "4,200,000")
    page.select_option("#d-cat", "commit")
    page.fill("#d-champion", "情報システム部 課長")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash")).to_have_text("保存しました。")
    expect(page.locator("h1 + p")).to_contain_text("￥4,200,000")
    expect(page.locator("#d-champion")).to_have_value("情報システム部 課長")
    expect(page.locator("#deal-history")).to_contain_text("佐藤 マネージャー が 金額を ￥3,600,000 → ￥4,200,000 に変更")
    deal = httpx.get(f"{world.projects_url}/v1/deals/{world.deal_id}", headers=world.manager.headers).json()
    assert (deal["amount"], deal["forecast_category"]) == (4_200_000, "commit")
