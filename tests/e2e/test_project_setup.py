"""A director sets a project up in the browser: create, agree kickoff items, go active, assign a member."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from e2e.conftest import log_in
from e2e.world import World


def test_director_creates_a_project_agrees_kickoff_and_assigns_a_member(page, world: World) -> None:
    log_in(page, world.director)
    page.goto("/projects")
    page.get_by_label("案件名").fill("ブラウザで作った案件")
    page.get_by_label("月間アポ目標").fill("15")
    page.get_by_role("button", name="案件を作成").click()
    expect(page.locator("h1")).to_contain_text("ブラウザで作った案件")
    expect(page.locator(".flash")).to_contain_text("キックオフ項目を合意してください")

    page.select_option("#to-status", "active")
    page.get_by_role("button", name="ステータスを変更").click()
    # Refused (kickoff items still open): a red banner, never the green one of a success.
    expect(page.locator("#flash-error")).to_contain_text("現在の状態ではこの操作はできません")
    expect(page.locator("#messages .flash")).to_have_count(0)

    boxes = page.locator("#kickoff-panel input[type=checkbox]")
    for index in range(boxes.count()):
        page.locator("#kickoff-panel input[type=checkbox]").nth(index).check()
        expect(page.locator("#kickoff-panel input[type=checkbox]").nth(index)).to_be_checked()
    expect(page.locator("#kickoff-panel")).to_contain_text("稼働開始できます")
    for status in ("kickoff", "active"):
        page.select_option("#to-status", status)
        page.get_by_role("button", name="ステータスを変更").click()
        expect(page.locator("h1 .badge")).to_have_text(re.compile("キックオフ|稼働中"))
    expect(page.locator("h1 .badge")).to_have_text("稼働中")

    page.select_option("#as-member", label=world.member.name)
    page.fill("#as-hours", "80")
    page.get_by_role("button", name="アサインする").click()
    expect(page.locator(".flash")).to_have_text("メンバーをアサインしました。")
    expect(page.locator("#members-title + table")).to_contain_text(world.member.name)
