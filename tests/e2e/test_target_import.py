"""The import wizard: upload → dry-run preview with per-row errors → fixed file → import with progress."""

from __future__ import annotations

from playwright.sync_api import expect

from e2e.conftest import log_in
from e2e.world import World

HEADER = "会社名,電話番号,法人番号,業種,地域,優先度"


def test_import_wizard_previews_row_errors_then_imports_with_progress(page, world: World, tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([HEADER, "株式会社ウィザード一,03-6000-0001,,製造業,東京都,1",
                              "株式会社ウィザード二,03-6000-0002,1234567890123,製造業,東京都,2"]), encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text("\n".join([HEADER] + [f"株式会社ウィザード{i},03-6100-{i:04d},,製造業,大阪府,{1 + i % 3}"
                                          for i in range(1, 41)]), encoding="utf-8")
    log_in(page, world.director)
    page.goto(f"/projects/{world.project_id}/targets")
    page.get_by_label("リスト名").fill("ウィザード検証リスト")
    page.get_by_role("button", name="リストを作成").click()
    expect(page.locator(".flash")).to_contain_text("ウィザード検証リスト")

    page.set_input_files("#import-file", str(bad))
    page.get_by_role("button", name="ファイルを検証(ドライラン)").click()
    errors = page.locator("#import-preview tr.row-error")
    expect(errors).to_have_count(1)
    expect(errors.first.locator("td").first).to_have_text("3")  # the spreadsheet's row number
    expect(page.locator("#import-preview")).not_to_contain_text("件をインポート")

    page.set_input_files("#import-file", str(good))
    page.get_by_role("button", name="ファイルを検証(ドライラン)").click()
    expect(page.locator("#import-preview")).to_contain_text("追加予定 40 件")
    page.get_by_role("button", name="40 件をインポート").click()
    expect(page.locator("#import-result")).to_contain_text("追加 40 件", timeout=20_000)
    page.get_by_role("link", name="架電先を表示").click()
    expect(page.locator("table tbody tr")).to_have_count(40)
