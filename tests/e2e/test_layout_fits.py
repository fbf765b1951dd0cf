"""Layout at 1280 px and on a phone (390 px): a nine-digit yen figure stays on one line in its tile, and
the pipeline board's last column ends inside the window at 1280 px (a narrow window scrolls the board,
not the page)."""

from __future__ import annotations

import uuid

import httpx

from e2e.conftest import log_in, screenshot
from e2e.test_pipeline_edits import reload_until
from e2e.world import World, ok

ONE_LINE = """el => {
  const box = el.getBoundingClientRect(), line = parseFloat(getComputedStyle(el).lineHeight);
  const tile = el.closest('.kpi');
  return {height: box.height, line, right: box.right, tileRight: tile.getBoundingClientRect().right,
          overflow: tile.scrollWidth - tile.clientWidth};
}"""


def assert_one_line(page, selector: str) -> None:
    m = page.locator(selector).evaluate(ONE_LINE)
    assert abs(m["height"] - m["line"]) < 1, m  # a single line box
    assert m["right"] <= m["tileRight"] and m["overflow"] <= 0, m  # and inside its tile


def test_nine_digit_amounts_fit_their_tiles_and_the_board_fits_1280(page, world: World) -> None:
    run = uuid.uuid4().hex[:6]
    manager_api = httpx.Client(base_url=world.projects_url, headers=world.manager.headers, timeout=30)
    board = ok(manager_api.post("/v1/pipelines", json={"name": f"大型案件 {run}", "stages": [
        {"name": "リード", "probability": 10}, {"name": "初回商談", "probability": 20},
        {"name": "課題合意", "probability": 40}, {"name": "提案", "probability": 60},
        {"name": "見積・交渉", "probability": 80}, {"name": "受注", "probability": 100, "is_won": True},
        {"name": "失注", "probability": 0, "is_lost": True},
    ]}))
    ok(manager_api.post("/v1/deals", json={
        "name": f"全社導入 {run} 基幹システム刷新プロジェクト", "account_name": "株式会社ロングネームホールディングス",
        "amount": 1_234_567_890, "pipeline_id": board["id"], "owner_id": world.manager.id,
        "forecast_category": "pipeline"}))
    ok(manager_api.post("/v1/quotas", json={"owner_id": world.manager.id, "period_start": "2027-05-01",
                                           "period_end": "2027-06-01", "amount": 123_456_789}))
    log_in(page, world.manager)
    assert page.viewport_size == {"width": 1280, "height": 900}

    # The board at 1280 px: every column, the last one included, ends inside the window.
    page.goto(f"/pipeline?pipeline_id={board['id']}")
    weighted = page.locator("#board-tiles .kpi").nth(1).locator(".value")
    reload_until(page, weighted, "￥123,456,789")  # 10 % of ￥1,234,567,890
    last = page.locator("#board .column").last
    assert last.locator("h2").inner_text().startswith("失注")
    right = last.evaluate("el => el.getBoundingClientRect().right")
    assert right <= 1280, right
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert_one_line(page, "#board-tiles .kpi:nth-child(2) .value")
    screenshot(page, "layout-board-1280")

    page.goto(f"/forecast?owner_id={world.manager.id}&period=2027-05")
    quota = page.locator('[data-figure="quota"]')
    reload_until(page, quota, "￥123,456,789")
    assert_one_line(page, '[data-figure="quota"]')

    # A phone: the tiles still hold the figure on one line; the board scrolls inside itself, the page does not.
    page.set_viewport_size({"width": 390, "height": 844})
    assert_one_line(page, '[data-figure="quota"]')
    page.goto(f"/pipeline?pipeline_id={board['id']}")
    assert_one_line(page, "#board-tiles .kpi:nth-child(2) .value")
    scroll = page.locator("#board .board").evaluate("el => ({scroll: el.scrollWidth, client: el.clientWidth})")
    assert scroll["scroll"] > scroll["client"], scroll  # seven stages do not fit 390 px: the board scrolls
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
