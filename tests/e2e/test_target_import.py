"""The import wizard: the columns it understands and its example file, upload → dry-run preview with
per-row errors in Japanese (and as a CSV) → fixed file → import with progress; files that are no
list are refused next to the file field; a target's tier and status are edited in the list."""

from __future__ import annotations

import io
import random
import uuid

import httpx
from playwright.sync_api import expect

from anken_projects.targets.import_columns import COLUMNS
from e2e.conftest import log_in, screenshot
from e2e.world import World, ok

HEADER = "会社名,電話番号,法人番号,業種,地域,優先度"
DRY_RUN = "ファイルを検証(ドライラン)"


def new_list(page, name: str) -> None:
    page.get_by_label("リスト名").fill(name)
    page.get_by_role("button", name="リストを作成").click()
    expect(page.locator(".flash")).to_contain_text(name)


def check_file(page, path) -> None:
    page.set_input_files("#import-file", str(path))
    page.get_by_role("button", name=DRY_RUN).click()


def test_import_wizard_previews_row_errors_then_imports_with_progress(page, world: World, tmp_path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([HEADER, "株式会社ウィザード一,03-6000-0001,,製造業,東京都,1",
                              "株式会社ウィザード二,03-6000-0002,1234567890123,製造業,東京都,2"]), encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text("\n".join([HEADER] + [f"株式会社ウィザード{i},03-6100-{i:04d},,製造業,大阪府,{1 + i % 3}"
                                          for i in range(1, 41)]), encoding="utf-8")
    log_in(page, world.director)
    page.goto(f"/projects/{world.project_id}/targets")
    new_list(page, "ウィザード検証リスト")

    check_file(page, bad)
    errors = page.locator("#import-preview tr.row-error")
    expect(errors).to_have_count(1)
    cells = errors.first.locator("td")
    expect(cells.nth(0)).to_have_text("3")  # the spreadsheet's row number
    expect(cells.nth(1)).to_have_text("法人番号")  # the column as the file names it
    expect(cells.nth(2)).to_have_text("チェックデジットが一致しません。13 桁の番号を確認してください。")
    expect(page.locator("#import-preview")).not_to_contain_text("件をインポート")

    check_file(page, good)
    expect(page.locator("#import-preview")).to_contain_text("追加予定 40 件")
    page.get_by_role("button", name="40 件をインポート").click()
    expect(page.locator("#import-result")).to_contain_text("追加 40 件", timeout=20_000)
    page.get_by_role("link", name="架電先を表示").click()
    expect(page.locator("#target-table tbody tr")).to_have_count(40)


def test_the_columns_help_comes_with_an_example_file_that_imports_cleanly(page, world: World, tmp_path) -> None:
    log_in(page, world.director)
    page.goto(f"/projects/{world.project_id}/targets")
    new_list(page, "サンプル取込リスト")
    help_table = page.locator("#import-columns")
    company = help_table.locator("tr[data-column=company_name]")
    expect(company).to_contain_text("会社名")
    expect(company).to_contain_text("company_name")
    expect(company).to_contain_text("必須")
    expect(help_table.locator("tr[data-column=phone]")).to_contain_text("任意")
    expect(help_table.locator("tr[data-column=corporate_number]")).to_contain_text("法人番号")
    # The page lists exactly the columns the parser recognises (its one definition, through the API).
    listed = ok(httpx.get(f"{world.projects_url}/v1/target-imports/columns", headers=world.director.headers))
    assert [c["field"] for c in listed["columns"]] == [c.field.value for c in COLUMNS]
    expect(help_table.locator("tbody tr")).to_have_count(len(COLUMNS))
    assert help_table.locator("tbody tr").evaluate_all("rows => rows.map(r => r.dataset.column)") == [
        c.field.value for c in COLUMNS]
    for column in COLUMNS:
        row = help_table.locator(f"tr[data-column={column.field.value}]")
        for header in column.headers:
            expect(row).to_contain_text(header)

    with page.expect_download() as download_info:
        page.locator("#example-csv").click()
    example = tmp_path / "example.csv"
    download_info.value.save_as(example)
    content = example.read_bytes()
    assert content.startswith("\ufeff".encode()), content[:20]
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("会社名,電話番号,法人番号") and len(lines) == 3, lines

    with page.expect_download() as xlsx_info:
        page.locator("#example-xlsx").click()
    assert xlsx_info.value.suggested_filename.endswith(".xlsx")

    check_file(page, example)
    expect(page.locator("#import-preview")).to_contain_text("追加予定 2 件")
    expect(page.locator("#import-preview tr.row-error")).to_have_count(0)
    page.get_by_role("button", name="2 件をインポート").click()
    expect(page.locator("#import-result")).to_contain_text("追加 2 件", timeout=20_000)


def test_row_errors_are_japanese_on_the_preview_and_in_the_csv(page, world: World, tmp_path) -> None:
    bad = tmp_path / "rows.csv"
    bad.write_text("\n".join([
        "会社名,TEL,優先度",
        ",03-6200-0001,1",                  # row 2: no company name
        "株式会社行エラー,12-34,2",          # row 3: phone not starting with 0
        "株式会社ティア,03-6200-0003,5",     # row 4: tier
    ]), encoding="utf-8")
    log_in(page, world.director)
    page.goto(f"/projects/{world.project_id}/targets")
    new_list(page, "行エラー検証リスト")
    check_file(page, bad)
    rows = page.locator("#import-preview tr.row-error")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("値を入力してください。この列は必須です。")
    expect(rows.nth(1).locator("td").nth(1)).to_have_text("TEL")
    expect(rows.nth(1)).to_contain_text("0 または +81 で始まる国内の電話番号を入力してください。")
    expect(rows.nth(2)).to_contain_text("1、2、3 (または A、B、C) を入力してください。")
    expect(page.locator("#import-preview")).not_to_contain_text("must")
    screenshot(page, "target-import-row-errors")

    with page.expect_download() as download_info:
        page.locator("#row-errors-csv").click()
    saved = tmp_path / "errors.csv"
    download_info.value.save_as(saved)
    content = saved.read_bytes()
    assert content.startswith("\ufeff".encode())
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0] == "行,列,項目,内容", lines
    assert [line.split(",")[:2] for line in lines[1:]] == [["2", "会社名"], ["3", "TEL"], ["4", "優先度"]], lines
    assert lines[1].endswith(",値を入力してください。この列は必須です。")
    assert lines[2].endswith(",0 または +81 で始まる国内の電話番号を入力してください。")
    assert lines[3].endswith(",1、2、3 (または A、B、C) を入力してください。")


def test_a_file_that_is_no_list_is_refused_next_to_the_file_field(page, world: World, tmp_path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(random.Random(15).randbytes(10 * 1024 * 1024))
    png = tmp_path / "logo.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x02\x00\x00\x00")
    wrong = tmp_path / "people.csv"
    wrong.write_text("氏名,住所\n山田 太郎,東京都\n", encoding="utf-8")
    log_in(page, world.director)
    page.goto(f"/projects/{world.project_id}/targets")
    new_list(page, "拒否検証リスト")
    field_error = page.locator("#error-file")
    for path in (junk, png):
        check_file(page, path)
        expect(field_error).to_have_text("CSV または Excel (.xlsx) ファイルを選んでください。", timeout=30_000)
        expect(page.locator("#import-file")).to_have_attribute("aria-invalid", "true")
    check_file(page, wrong)
    expect(field_error).to_have_text(
        "見出し行に認識できる列がありません。会社名 (company_name) などの列名を1行目に入れてください。")
    expect(page.locator("#import-preview")).to_have_count(0)
    expect(page.locator("#import-panel")).not_to_contain_text("file")

    # Past the upload limit: said at once, with the limit, and nothing is sent.
    huge = tmp_path / "huge.csv"
    huge.write_bytes(b"\xe4\xbc\x9a\xe7\xa4\xbe\xe5\x90\x8d\n" + b"x" * (21 * 1024 * 1024))
    page.set_input_files("#import-file", str(huge))
    expect(field_error).to_have_text("ファイルが上限の 20 MB を超えています。ファイルを分けてください。")
    # The field is invalid, so the browser never submits the form.
    assert page.eval_on_selector("#import-file", "input => input.validity.valid") is False
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url) if request.url.endswith("/preview") else None)
    page.get_by_role("button", name=DRY_RUN).click()
    expect(field_error).to_have_text("ファイルが上限の 20 MB を超えています。ファイルを分けてください。")
    assert sent == []


def _list_with_targets(world: World, name: str) -> tuple[str, list[dict]]:
    api = httpx.Client(base_url=world.projects_url, headers=world.director.headers, timeout=30)
    list_id = ok(api.post(f"/v1/projects/{world.project_id}/target-lists", json={"name": name}))["id"]
    run = uuid.uuid4().hex[:6]
    rows = ["会社名,電話番号,優先度", f"株式会社編集一{run},03-6300-{random.randint(1000, 9999)},3",
            f"株式会社編集二{run},03-6400-{random.randint(1000, 9999)},3"]
    ok(api.post(f"/v1/target-lists/{list_id}/imports", data={"dry_run": "false"},
                files={"file": ("t.csv", io.BytesIO("\n".join(rows).encode()), "text/csv")}))
    return list_id, ok(api.get(f"/v1/target-lists/{list_id}/targets"))["items"]


def test_a_targets_tier_and_status_are_edited_and_a_stale_edit_keeps_the_choice(page, world: World) -> None:
    list_id, targets = _list_with_targets(world, "編集検証リスト")
    first, second = sorted(targets, key=lambda t: t["company_name"])
    log_in(page, world.director)
    page.goto(f"/projects/{world.project_id}/targets?list_id={list_id}")
    page.locator(f"#tier-{first['id']}").select_option("1")
    page.locator(f"#status-{first['id']}").select_option("excluded")
    page.get_by_role("button", name=f"{first['company_name']} を保存").click()
    expect(page.locator(".flash")).to_contain_text(f"保存しました: {first['company_name']}")
    saved = ok(httpx.get(f"{world.projects_url}/v1/targets/{first['id']}", headers=world.director.headers))
    assert (saved["priority_tier"], saved["status"]) == (1, "excluded")
    page.reload()
    expect(page.locator(f"#tier-{first['id']}")).to_have_value("1")
    expect(page.locator(f"#status-{first['id']}")).to_have_value("excluded")

    # Someone else changes the second target after the page was read: the save is refused, what was
    # chosen stays chosen, and a red sentence says why next to that row.
    ok(httpx.patch(f"{world.projects_url}/v1/targets/{second['id']}", json={"note": "別の人の変更"},
                   headers=world.director.headers))
    page.locator(f"#tier-{second['id']}").select_option("2")
    page.locator(f"#status-{second['id']}").select_option("callback")
    page.get_by_role("button", name=f"{second['company_name']} を保存").click()
    expect(page.locator(f"#error-form-{second['id']}")).to_have_text(
        "この架電先は他の人が先に変更しました。ページを再読み込みしてから保存し直してください。")
    expect(page.locator(f"#tier-{second['id']}")).to_have_value("2")
    expect(page.locator(f"#status-{second['id']}")).to_have_value("callback")
    screenshot(page, "targets-stale-edit")
    unchanged = ok(httpx.get(f"{world.projects_url}/v1/targets/{second['id']}", headers=world.director.headers))
    assert (unchanged["priority_tier"], unchanged["status"]) == (3, "new")


def test_a_manager_sees_the_targets_without_edit_controls(page, world: World) -> None:
    log_in(page, world.manager)
    page.goto(f"/projects/{world.project_id}/targets?list_id={world.list_id}")
    expect(page.locator("#target-table tbody tr").first).to_be_visible()
    expect(page.locator("#target-table select")).to_have_count(0)
