"""A director writes pattern B, edits pattern A into a new version, and rolls it back."""

from __future__ import annotations

from playwright.sync_api import expect

from e2e.conftest import log_in
from e2e.world import World


def test_director_writes_versions_of_scripts_and_rolls_back(page, world: World) -> None:
    log_in(page, world.director)
    page.goto(f"/projects/{world.project_id}/scripts")
    page.get_by_text("新しいスクリプト").click()
    page.select_option("#ns-pattern", "B")
    page.fill("#ns-title", "課題提起トーク")
    page.fill("#ns-body", "締め作業のご負担について伺えますか。")
    page.get_by_role("button", name="スクリプトを追加").click()
    expect(page.locator('[data-script-variant="B"]')).to_contain_text("締め作業のご負担")

    page.locator('[data-script-variant="A"]').get_by_role("link", name="編集と履歴").click()
    page.fill("#sv-body", "お世話になっております。勤怠の締め作業を半分にするご提案です。")
    page.get_by_role("button", name="新しい版として保存").click()
    expect(page.locator(".flash")).to_have_text("第 2 版を有効にしました。")
    expect(page.locator('[data-script-variant="A"]')).to_contain_text("半分にするご提案")

    page.get_by_role("row", name="v1").get_by_role("button", name="この版に戻す").click()
    expect(page.locator(".flash")).to_have_text("第 1 版を有効にしました。")
    expect(page.locator('[data-script-variant="A"]')).to_contain_text("勤怠管理のご案内")
