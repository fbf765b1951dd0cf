"""Everything about a project is editable on a screen: the settings tab saves every field (If-Match,
a clear conflict message), a refused save keeps what was typed and names the rule in red next to the
field, kickoff items take their agreed content, and members' planned hours are changed or removed."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from e2e.conftest import log_in, screenshot
from e2e.world import PASSWORD, World, ok

RED = "rgb(179, 38, 30)"  # --bad in anken.css


@pytest.fixture
def admin_api(world: World) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=world.projects_url, headers=world.admin.headers, timeout=30) as api:
        yield api


@pytest.fixture
def project(world: World, admin_api: httpx.Client) -> dict:
    """A draft project of the world's director and client, of this test alone."""
    return ok(admin_api.post("/v1/projects", json={
        "client_id": world.client_id, "name": f"設定テスト案件 {uuid.uuid4().hex[:6]}", "product": "勤怠管理クラウド",
        "director_id": world.director.id, "monthly_appointment_target": 20, "contracted_monthly_hours": 160,
        "qualification_fields": ["budget", "authority"],
    }))


def _get(world: World, project_id: str) -> dict:
    return ok(httpx.get(f"{world.projects_url}/v1/projects/{project_id}", headers=world.admin.headers))


def test_the_settings_page_saves_every_field(page, world: World, admin_api: httpx.Client, project: dict) -> None:
    run = uuid.uuid4().hex[:6]
    other = ok(admin_api.post("/v1/users", json={"email": f"director2-{run}@e2e.example.jp", "name": "田中 ディレクター",
                                                 "role": "director", "password": PASSWORD, "locale": "ja"}))
    log_in(page, world.admin)
    page.goto(f"/projects/{project['id']}")
    page.locator("nav.tabs").get_by_role("link", name="設定").click()
    expect(page.locator("h2")).to_contain_text("案件の設定")

    texts = {
        "#ps-name": f"設定画面で変えた案件名 {run}", "#ps-product": "経費精算クラウド",
        "#ps-monthly-appointment-target": "33", "#ps-contracted-monthly-hours": "240",
        "#ps-contract-start": "2026-04-01", "#ps-contract-end": "2027-03-31", "#ps-renewal-date": "2027-02-01",
        "#ps-appointment-definition": "経理責任者と30分のオンライン商談\n（決裁者の同席が望ましい）",
        "#ps-qualification-fields": "budget\nneed\n導入時期", "#ps-target-definition": "関西の従業員100名以上の卸売業",
        "#ps-handoff-contact": "営業部 高橋", "#ps-calendar-link": "https://calendar.example.jp/takahashi",
        "#ps-slack-channel": "#pj-settings", "#ps-confluence-page-url": "https://wiki.example.jp/pages/1",
        "#ps-spreadsheet-url": "https://sheets.example.jp/d/1", "#ps-extra-closed-days": "2026-12-29\n2026-12-30",
        "#ps-weekly-meeting-time": "15:30",
    }
    for selector, value in texts.items():
        page.fill(selector, value)
    page.select_option("#ps-director-id", other["id"])
    page.select_option("#ps-timezone", "America/New_York")
    page.select_option("#ps-weekly-meeting-weekday", "4")
    page.check("#ps-ab-manual-choice")
    # The counter under a long text shows its limit while typing.
    expect(page.locator("#count-appointment-definition")).to_contain_text("/ 5,000 文字")
    page.click("#save-settings")
    expect(page.locator(".flash")).to_have_text("案件の設定を保存しました。")

    page.reload()
    for selector, value in texts.items():
        expect(page.locator(selector)).to_have_value(value)
    expect(page.locator("#ps-director-id")).to_have_value(other["id"])
    expect(page.locator("#ps-timezone")).to_have_value("America/New_York")
    expect(page.locator("#ps-weekly-meeting-weekday")).to_have_value("4")
    expect(page.locator("#ps-weekly-meeting-weekday option:checked")).to_have_text("金曜日")
    expect(page.locator("#ps-ab-manual-choice")).to_be_checked()

    saved = _get(world, project["id"])
    assert saved["version"] == project["version"] + 1  # one save, one PATCH
    assert {k: saved[k] for k in (
        "name", "product", "director_id", "timezone", "monthly_appointment_target", "contracted_monthly_hours",
        "contract_start", "contract_end", "renewal_date", "appointment_definition", "qualification_fields",
        "target_definition", "handoff_contact", "calendar_link", "slack_channel", "confluence_page_url",
        "spreadsheet_url", "extra_closed_days", "weekly_meeting_weekday", "weekly_meeting_time", "ab_manual_choice",
    )} == {
        "name": texts["#ps-name"], "product": "経費精算クラウド", "director_id": other["id"], "timezone": "America/New_York",
        "monthly_appointment_target": 33, "contracted_monthly_hours": 240, "contract_start": "2026-04-01",
        "contract_end": "2027-03-31", "renewal_date": "2027-02-01",
        "appointment_definition": texts["#ps-appointment-definition"], "qualification_fields": ["budget", "need", "導入時期"],
        "target_definition": "関西の従業員100名以上の卸売業", "handoff_contact": "営業部 高橋",
        "calendar_link": "https://calendar.example.jp/takahashi", "slack_channel": "#pj-settings",
        "confluence_page_url": "https://wiki.example.jp/pages/1", "spreadsheet_url": "https://sheets.example.jp/d/1",
        "extra_closed_days": ["2026-12-29", "2026-12-30"], "weekly_meeting_weekday": 4, "weekly_meeting_time": "15:30",
        "ab_manual_choice": True,
    }

    # Clearing an optional field clears it; saving an unchanged form writes nothing.
    page.fill("#ps-calendar-link", "")
    page.click("#save-settings")
    expect(page.locator(".flash")).to_have_text("案件の設定を保存しました。")
    assert _get(world, project["id"])["calendar_link"] is None
    page.click("#save-settings")
    expect(page.locator(".flash")).to_have_text("変更された項目はありません。")
    assert _get(world, project["id"])["version"] == project["version"] + 2


def test_a_refused_save_keeps_everything_typed_and_names_the_rule_in_red(page, world: World, project: dict) -> None:
    log_in(page, world.director)
    page.goto(f"/projects/{project['id']}/settings")
    # The director sees who directs the project but cannot hand it over (an admin does).
    expect(page.locator("#ps-director-id")).to_have_text(world.director.name)
    long_text = "あ" * 5001
    page.fill("#ps-name", "新しい案件名")
    page.fill("#ps-calendar-link", "not a url")
    page.fill("#ps-target-definition", long_text)
    page.fill("#ps-handoff-contact", "営業部 佐藤")
    page.fill("#ps-extra-closed-days", "2026-12-29\n1999-01-01")
    expect(page.locator("#count-target-definition")).to_have_text("5,001 / 5,000 文字")
    page.click("#save-settings")

    calendar_error = page.locator("#error-calendar-link")
    expect(calendar_error).to_have_text("日程調整リンク: http:// または https:// で始まる URL を入力してください")
    expect(calendar_error).to_have_css("color", RED)
    expect(page.locator("#error-target-definition")).to_have_text("ターゲット定義: 5,000 文字以内で入力してください")
    expect(page.locator("#error-extra-closed-days")).to_contain_text("追加の休業日: 2 行目は 2000-01-01 から")
    expect(page.locator("#ps-calendar-link")).to_have_attribute("aria-invalid", "true")
    # Everything typed is still there, the fields that were fine too.
    expect(page.locator("#ps-name")).to_have_value("新しい案件名")
    expect(page.locator("#ps-calendar-link")).to_have_value("not a url")
    expect(page.locator("#ps-target-definition")).to_have_value(long_text)
    expect(page.locator("#ps-handoff-contact")).to_have_value("営業部 佐藤")
    expect(page.locator("#ps-extra-closed-days")).to_have_value("2026-12-29\n1999-01-01")
    expect(page.locator("#ps-director-id")).to_have_text(world.director.name)
    screenshot(page, "project-settings-refused")
    assert _get(world, project["id"])["name"] == project["name"]  # nothing was saved

    # Fixed, the same form saves (its baseline and version were kept across the refusal).
    page.fill("#ps-calendar-link", "https://calendar.example.jp/sato")
    page.fill("#ps-target-definition", "首都圏の製造業")
    page.fill("#ps-extra-closed-days", "2026-12-29")
    page.click("#save-settings")
    expect(page.locator(".flash")).to_have_text("案件の設定を保存しました。")
    saved = _get(world, project["id"])
    assert (saved["name"], saved["calendar_link"], saved["handoff_contact"]) == (
        "新しい案件名", "https://calendar.example.jp/sato", "営業部 佐藤")


def test_a_concurrent_edit_shows_the_conflict_and_is_not_overwritten(
    page, world: World, admin_api: httpx.Client, project: dict,
) -> None:
    log_in(page, world.director)
    page.goto(f"/projects/{project['id']}/settings")
    # Someone else saves after the form was rendered.
    ok(admin_api.patch(f"/v1/projects/{project['id']}", json={"name": "API で変えた名前", "slack_channel": "#from-api"}))
    page.fill("#ps-name", "画面で変えた名前")
    page.fill("#ps-product", "画面で変えた商材")
    page.click("#save-settings")

    expect(page.locator("#settings-error")).to_contain_text("編集中に他の人がこの案件を変更しました")
    expect(page.locator("#settings-error")).to_have_css("color", RED)
    current = _get(world, project["id"])
    assert (current["name"], current["product"]) == ("API で変えた名前", project["product"])  # not overwritten
    # What was typed is kept; the value saved meanwhile is shown next to it; untouched fields show the saved values.
    expect(page.locator("#ps-name")).to_have_value("画面で変えた名前")
    expect(page.locator("#saved-name")).to_contain_text("API で変えた名前")
    expect(page.locator("#ps-product")).to_have_value("画面で変えた商材")
    expect(page.locator("#ps-slack-channel")).to_have_value("#from-api")
    expect(page.locator("#ps-director-id")).to_have_text(world.director.name)
    expect(page.locator("#saved-director-id")).to_have_count(0)
    screenshot(page, "project-settings-conflict")

    page.click("#save-settings")  # re-apply
    expect(page.locator(".flash")).to_have_text("案件の設定を保存しました。")
    saved = _get(world, project["id"])
    assert (saved["name"], saved["product"], saved["slack_channel"]) == ("画面で変えた名前", "画面で変えた商材", "#from-api")


def test_a_manager_reads_the_settings_without_changing_them(page, world: World, project: dict) -> None:
    log_in(page, world.manager)
    page.goto(f"/projects/{project['id']}/settings")
    expect(page.locator("#ps-name")).to_have_value(project["name"])
    expect(page.locator("#ps-name")).to_be_disabled()
    expect(page.locator("#save-settings")).to_have_count(0)


def _kickoff_items(world: World, project_id: str) -> dict[str, dict]:
    items = ok(httpx.get(f"{world.projects_url}/v1/projects/{project_id}/kickoff-items", headers=world.admin.headers))
    return {i["key"]: i for i in items["items"]}


def test_kickoff_agreed_content_is_edited_and_a_refusal_keeps_it(
    page, world: World, admin_api: httpx.Client, project: dict,
) -> None:
    log_in(page, world.director)
    page.goto(f"/projects/{project['id']}")
    page.locator("#ko-value-appointment_definition").fill("人事責任者と30分のオンライン商談")
    # Typed in another item and not saved yet: saving one item leaves it alone.
    page.locator("#ko-value-target_definition").fill("まだ保存していない定義")
    with page.expect_response(lambda r: r.url.endswith("/kickoff/appointment_definition")):
        page.click("#ko-save-appointment_definition")
    expect(page.locator("#ko-value-appointment_definition")).to_have_value("人事責任者と30分のオンライン商談")
    expect(page.locator("#ko-value-target_definition")).to_have_value("まだ保存していない定義")
    page.reload()
    expect(page.locator("#ko-value-appointment_definition")).to_have_value("人事責任者と30分のオンライン商談")
    saved = _kickoff_items(world, project["id"])["appointment_definition"]
    assert (saved["value"], saved["agreed"]) == ("人事責任者と30分のオンライン商談", False)

    # Agreeing keeps the content, and the readiness badge follows.
    with page.expect_response(lambda r: r.url.endswith("/kickoff/appointment_definition")):
        page.check("#ko-appointment_definition")
    expect(page.locator("#kickoff-readiness")).to_contain_text("5")
    saved = _kickoff_items(world, project["id"])["appointment_definition"]
    assert (saved["value"], saved["agreed"]) == ("人事責任者と30分のオンライン商談", True)

    # An over-long content is refused, kept, and the rule is shown in red next to it.
    too_long = "い" * 5001
    page.locator("#ko-value-handoff_contact").fill(too_long)
    expect(page.locator("#ko-count-handoff_contact")).to_have_text("5,001 / 5,000 文字")
    page.click("#ko-save-handoff_contact")
    error = page.locator("#ko-error-handoff_contact")
    expect(error).to_have_text("合意内容: 5,000 文字以内で入力してください")
    expect(error).to_have_css("color", RED)
    expect(page.locator("#ko-value-handoff_contact")).to_have_value(too_long)
    screenshot(page, "project-kickoff-refused-content")
    assert _kickoff_items(world, project["id"])["handoff_contact"]["value"] is None

    # Someone else saves the item after the page was rendered: the save is refused, the text kept.
    ok(admin_api.patch(f"/v1/projects/{project['id']}/kickoff-items/calendar_link", json={"value": "https://cal.example.jp/a"}))
    page.locator("#ko-value-calendar_link").fill("https://cal.example.jp/b")
    page.click("#ko-save-calendar_link")
    expect(page.locator("#ko-problem-calendar_link")).to_contain_text("編集中に他の人がこの項目を変更しました")
    expect(page.locator("#ko-item-calendar_link .saved-meanwhile")).to_contain_text("https://cal.example.jp/a")
    expect(page.locator("#ko-value-calendar_link")).to_have_value("https://cal.example.jp/b")
    assert _kickoff_items(world, project["id"])["calendar_link"]["value"] == "https://cal.example.jp/a"
    page.click("#ko-save-calendar_link")  # re-apply over the version now shown
    expect(page.locator("#ko-problem-calendar_link")).to_have_count(0)
    assert _kickoff_items(world, project["id"])["calendar_link"]["value"] == "https://cal.example.jp/b"


def test_the_status_select_offers_the_next_step(page, world: World, admin_api: httpx.Client, project: dict) -> None:
    log_in(page, world.director)
    page.goto(f"/projects/{project['id']}")
    expect(page.locator("#to-status")).to_have_value("kickoff")
    base = f"/v1/projects/{project['id']}"
    for item in ok(admin_api.get(f"{base}/kickoff-items"))["items"]:
        ok(admin_api.patch(f"{base}/kickoff-items/{item['key']}", json={"agreed": True}))
    ok(admin_api.post(f"{base}/transitions", json={"to": "kickoff"}))
    page.reload()
    expect(page.locator("#to-status")).to_have_value("active")
    page.get_by_role("button", name="ステータスを変更").click()
    expect(page.locator("#to-status")).to_have_value("paused")
    assert _get(world, project["id"])["status"] == "active"


def test_planned_hours_are_changed_and_a_member_is_unassigned(
    page, world: World, admin_api: httpx.Client, project: dict,
) -> None:
    member = world.member
    assignment = ok(admin_api.post(f"/v1/projects/{project['id']}/assignments",
                                   json={"member_id": member.id, "planned_hours": 40}))
    log_in(page, world.director)
    page.goto(f"/projects/{project['id']}")
    hours = page.locator(f"#ph-{assignment['id']}")
    expect(hours).to_have_value("40")

    hours.fill("1001")
    page.locator(f"#assignment-{assignment['id']} form.planned-hours button").click()
    error = page.locator(f"#ph-error-{assignment['id']}")
    expect(error).to_have_text("予定稼働時間: 0 以上 1,000 以下の整数を入力してください")
    expect(error).to_have_css("color", RED)
    expect(page.locator(f"#ph-{assignment['id']}")).to_have_value("1001")
    screenshot(page, "project-members-refused-hours")

    page.locator(f"#ph-{assignment['id']}").fill("90")
    page.locator(f"#assignment-{assignment['id']} form.planned-hours button").click()
    expect(page.locator(".flash")).to_have_text("予定稼働時間を保存しました。")
    expect(page.locator(f"#ph-{assignment['id']}")).to_have_value("90")
    listed = ok(admin_api.get(f"/v1/projects/{project['id']}/assignments"))["items"]
    assert [(a["member_id"], a["planned_hours"]) for a in listed] == [(member.id, 90)]

    # Unassigning asks first: dismissed, nothing happens; confirmed, the member is removed.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.click(f"#unassign-{assignment['id']}")
    expect(page.locator(f"#assignment-{assignment['id']}")).to_be_visible()
    assert len(ok(admin_api.get(f"/v1/projects/{project['id']}/assignments"))["items"]) == 1
    messages: list[str] = []

    def accept(dialog) -> None:
        messages.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    page.click(f"#unassign-{assignment['id']}")
    expect(page.locator(".flash")).to_have_text("メンバーのアサインを解除しました。")
    expect(page.locator(f"#assignment-{assignment['id']}")).to_have_count(0)
    assert messages == [f"{member.name} さんのアサインを解除しますか？架電の記録は残ります。"]
    assert ok(admin_api.get(f"/v1/projects/{project['id']}/assignments"))["items"] == []
    # The member no longer sees the project.
    assert httpx.get(f"{world.projects_url}/v1/projects/{project['id']}", headers=member.headers).status_code == 404
