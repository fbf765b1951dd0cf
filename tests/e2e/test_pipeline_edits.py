"""The pipeline and forecast screens of issue 15: a quota is edited and shown as entered, the board's tiles
count exactly its cards, and a deal's history reads as sentences with names."""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.sync_api import expect

from e2e.conftest import log_in, screenshot
from e2e.world import World, new_user, ok

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-")


def reload_until(page, locator, text: str) -> None:
    """reporting-api hears of changes through the events stream: reload until the figure arrives (bounded)."""
    for _ in range(60):
        if text in locator.inner_text():
            return
        page.wait_for_timeout(500)
        page.reload()
    expect(locator).to_contain_text(text)


def test_a_quarterly_quota_is_edited_and_shown_as_entered(page, world: World) -> None:
    manager_api = httpx.Client(base_url=world.projects_url, headers=world.manager.headers, timeout=30)
    quota = ok(manager_api.post("/v1/quotas", json={"owner_id": world.director.id, "period_start": "2027-01-01",
                                                   "period_end": "2027-04-01", "amount": 50_000_000}))
    log_in(page, world.manager)

    # A month of the quarter: the quota is shown as entered, with the days that count, never as odd yen alone.
    page.goto(f"/forecast?owner_id={world.director.id}&period=2027-01")
    row = page.locator(f'tr[data-quota-id="{quota["id"]}"]')
    expect(row.locator('[data-figure="quota-amount"]')).to_have_text("￥50,000,000")
    derivation = page.locator("#quota-derivation")
    reload_until(page, page.locator("main"), "のうち 31/90 日分")
    expect(derivation).to_contain_text("四半期クォータ ￥50,000,000（2027/01/01〜2027/03/31）のうち 31/90 日分")
    # 50,000,000 × 31 / 90 = 17,222,222.2…: the figure is explained next to it.
    expect(page.locator('[data-figure="quota"]')).to_have_text("￥17,222,222")

    # A refused amount keeps what was typed and says the rule next to the field, in red.
    amount = page.locator(f'#quota-{quota["id"]}')
    amount.fill("五千万")
    row.get_by_role("button", name="クォータを保存").click()
    error = page.locator(f'#error-quota-{quota["id"]}')
    expect(error).to_have_text("クォータ(円): 0 以上の整数（円）で入力してください（例: 50,000,000）。")
    expect(error).to_have_css("color", "rgb(179, 38, 30)")
    expect(page.locator(f'#quota-{quota["id"]}')).to_have_value("五千万")
    screenshot(page, "forecast-quota-refused")

    page.locator(f'#quota-{quota["id"]}').fill("60,000,000")
    page.locator(f'tr[data-quota-id="{quota["id"]}"]').get_by_role("button", name="クォータを保存").click()
    expect(page.locator(".flash")).to_have_text("クォータを保存しました: ￥60,000,000。")
    expect(page.locator(f'tr[data-quota-id="{quota["id"]}"] [data-figure="quota-amount"]')).to_have_text("￥60,000,000")

    # The quarter's forecast shows the quarter's quota as entered.
    page.goto(f"/forecast?owner_id={world.director.id}&period=2027-Q1")
    reload_until(page, page.locator('[data-figure="quota"]'), "￥60,000,000")
    expect(page.locator("#quota-derivation")).to_contain_text("四半期クォータ ￥60,000,000（2027/01/01〜2027/03/31）を全額")
    screenshot(page, "forecast-quarter-quota")
    saved = ok(manager_api.get(f"/v1/quotas/{quota['id']}"))
    assert (saved["amount"], saved["version"]) == (60_000_000, 2)


def test_the_tiles_count_exactly_the_cards_the_board_shows(page, world: World) -> None:
    """Demo-like: many deals, several owners, two pipelines, some closed. Under 全員 and under one owner the
    tiles count the board's cards, not every pipeline's deals."""
    run = uuid.uuid4().hex[:6]
    second = new_user(world, "manager", "高橋 マネージャー", f"manager2-{run}@e2e.example.jp")
    manager_api = httpx.Client(base_url=world.projects_url, headers=world.manager.headers, timeout=30)
    board = ok(manager_api.post("/v1/pipelines", json={"name": f"アップセル {run}", "stages": [
        {"name": "リード", "probability": 10}, {"name": "提案", "probability": 50},
        {"name": "受注", "probability": 100, "is_won": True}, {"name": "失注", "probability": 0, "is_lost": True},
    ]}))
    won = next(s for s in board["stages"] if s["is_won"])
    owners = [world.manager.id, world.director.id, second.id]
    open_on_board = {owner: 0 for owner in owners}
    for n in range(24):
        owner = owners[n % 3]
        pipeline = board["id"] if n % 4 else world.pipeline["id"]
        deal = ok(manager_api.post("/v1/deals", json={
            "name": f"追加提案 {run}-{n:02d}", "account_name": f"株式会社ボード{n:02d}", "amount": 1_000_000 + n * 100_000,
            "pipeline_id": pipeline, "owner_id": owner, "forecast_category": "pipeline"}))
        if pipeline == board["id"] and n % 5 == 0:
            ok(manager_api.patch(f"/v1/deals/{deal['id']}", json={"stage_id": won["id"], "exit_criteria_confirmed": True}))
        elif pipeline == board["id"]:
            open_on_board[owner] += 1
    everyone = sum(open_on_board.values())
    assert everyone == 15  # 18 on this board (n % 4 ≠ 0), 3 of them won (n = 5, 10, 15)

    log_in(page, world.manager)
    page.goto(f"/pipeline?pipeline_id={board['id']}")
    tile = page.locator('#board-tiles [data-figure="open_deals"]')
    reload_until(page, tile, str(everyone))
    expect(page.locator("#owner-select")).to_have_value("")  # 全員
    expect(page.locator("#board .deal")).to_have_count(everyone)
    expect(tile).to_have_text(str(everyone))
    screenshot(page, "pipeline-board-tiles")

    page.select_option("#owner-select", world.director.id)
    page.get_by_role("button", name="表示").click()
    expect(page.locator("#board .deal")).to_have_count(open_on_board[world.director.id])
    expect(page.locator('#board-tiles [data-figure="open_deals"]')).to_have_text(str(open_on_board[world.director.id]))


def test_deal_history_reads_as_sentences_with_the_actors_name(page, world: World) -> None:
    manager_api = httpx.Client(base_url=world.projects_url, headers=world.manager.headers, timeout=30)
    deal = ok(manager_api.post("/v1/deals", json={
        "name": "勤怠クラウド全社展開", "account_name": "株式会社履歴商事", "amount": 1_200_000,
        "pipeline_id": world.pipeline["id"], "forecast_category": "pipeline"}))
    log_in(page, world.manager)
    page.goto(f"/deals/{deal['id']}")
    page.fill("#d-amount", "4,200,000")
    page.select_option("#d-cat", "best_case")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".flash")).to_have_text("保存しました。")

    history = page.locator("#deal-history")
    expect(history).to_contain_text(f"佐藤 マネージャー が商談を作成: パイプライン {world.pipeline['name']}、ステージ リード")
    expect(history).to_contain_text("佐藤 マネージャー が 金額を ￥1,200,000 → ￥4,200,000 に変更")
    expect(history).to_contain_text("佐藤 マネージャー が フォーキャスト区分を パイプライン → ベストケース に変更")
    expect(history.locator("li time").first).to_have_text(re.compile(r"^\d{4}/\d{2}/\d{2} \d{1,2}:\d{2}$"))
    screenshot(page, "deal-history-sentences")
    text = history.inner_text()
    assert not UUID.search(text), text
    for raw in ("pipeline_id", "best_case", "open", "stage_id", "forecast_category", "None"):
        assert raw not in text, (raw, text)


def test_refused_deal_forms_keep_what_was_typed_and_name_the_rule(page, world: World) -> None:
    manager_api = httpx.Client(base_url=world.projects_url, headers=world.manager.headers, timeout=30)
    deal = ok(manager_api.post("/v1/deals", json={
        "name": "MEDDICC 長文", "account_name": "株式会社長文商事", "amount": 800_000,
        "pipeline_id": world.pipeline["id"]}))
    log_in(page, world.manager)
    page.goto(f"/deals/{deal['id']}")
    expect(page.locator("#count-metrics")).to_have_text("0 / 4,000 文字")
    too_long = "効" * 4001
    page.fill("#d-metrics", too_long)
    page.fill("#d-champion", "情報システム部 部長")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#error-metrics")).to_have_text("指標: 4,000 文字以内で入力してください")
    expect(page.locator("#error-metrics")).to_have_css("color", "rgb(179, 38, 30)")
    expect(page.locator("#d-metrics")).to_have_value(too_long)
    expect(page.locator("#d-champion")).to_have_value("情報システム部 部長")
    assert ok(manager_api.get(f"/v1/deals/{deal['id']}"))["champion"] is None  # nothing saved

    page.goto(f"/pipeline?pipeline_id={world.pipeline['id']}")
    page.get_by_text("新規商談").click()
    page.get_by_label("商談名").fill("金額が全角の商談")
    page.get_by_label("取引先").fill("株式会社全角商事")
    page.get_by_label("金額(円)").fill("百万円")
    page.get_by_role("button", name="商談を作成").click()
    expect(page.locator("#nd-error-amount")).to_have_text("金額(円): 0 以上の整数（円）で入力してください（例: 50,000,000）。")
    expect(page.get_by_label("商談名")).to_have_value("金額が全角の商談")
    expect(page.get_by_label("金額(円)")).to_have_value("百万円")
