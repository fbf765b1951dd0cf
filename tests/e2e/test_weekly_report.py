"""A director writes the weekly notes (autosaved), publishes, and downloads the PPTX."""

from __future__ import annotations

import io

from playwright.sync_api import expect
from pptx import Presentation

from e2e.conftest import log_in
from e2e.world import World


def test_director_publishes_weekly_report_and_downloads_pptx(page, world: World) -> None:
    log_in(page, world.director)
    page.goto(f"/projects/{world.project_id}/reports")
    expect(page.locator("#report-status")).to_have_text("未公開")
    page.get_by_label("良い反応").fill("勤怠の締め作業に課題感のある企業が多い")
    page.get_by_label("ネクストアクション").fill("製造業向けトークを追加 / 山田")
    expect(page.locator("#save-status")).to_contain_text("保存しました", timeout=10_000)

    page.locator("#publish").click()
    expect(page.locator(".flash")).to_contain_text("第 1 版として公開しました")
    expect(page.locator("#report-status")).to_have_text("公開済み 第 1 版")
    expect(page.get_by_label("良い反応")).to_have_value("勤怠の締め作業に課題感のある企業が多い")

    with page.expect_download() as info:
        page.locator('[data-download="pptx"]').click()
    deck = Presentation(io.BytesIO(open(info.value.path(), "rb").read()))
    text = " ".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame)
    assert len(deck.slides) >= 3
    assert world.project_name in text
    assert "製造業向けトークを追加" in text

    preview = page.request.get(page.locator('[data-download="html"]').get_attribute("href"))
    assert preview.headers["content-disposition"].startswith("inline")
    assert world.project_name in preview.text()
