"""A/B choice per project: by default Anken assigns the pattern (the member sees it, no picker);
a director who lets members choose gets a picker on the calling screen with no pattern preselected,
and the A/B panel then says the comparison is not randomised."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect

from e2e.conftest import log_in
from e2e.world import World


def test_director_lets_members_choose_and_the_ab_panel_says_not_randomised(browser, services, world: World) -> None:
    def new_page():
        context = browser.new_context(base_url=services["web"], locale="ja-JP")
        context.set_default_timeout(15_000)
        return context.new_page()

    director, member = new_page(), new_page()
    try:
        log_in(director, world.director)
        director.goto(f"/projects/{world.project_id}")
        panel = director.locator("#ab-panel")
        expect(panel.locator("#ab-randomised")).to_be_visible()
        panel.get_by_role("button", name="メンバーにパターンを選ばせる（無作為化されません）").click()
        expect(director.locator(".flash")).to_have_text("トークのパターンをメンバーが選ぶようにしました。")
        expect(director.locator("#ab-not-randomised")).to_contain_text("無作為化されていません")
        project = httpx.get(f"{world.projects_url}/v1/projects/{world.project_id}", headers=world.director.headers)
        assert project.json()["ab_manual_choice"] is True

        log_in(member, world.member)
        member.goto(f"/calling/{world.project_id}")
        choice = member.locator("#script-choice")
        expect(choice).to_have_value("")  # no default pattern: a member's habit does not decide the experiment
        expect(member.locator("#assigned-variant")).to_have_count(0)
    finally:
        # The world is shared: Anken assigns again for the other tests.
        director.locator("#ab-panel").get_by_role("button", name="Anken にパターンを割り当てさせる（無作為化）").click()
        expect(director.locator("#ab-randomised")).to_be_visible()
        director.context.close()
        member.context.close()
    member_again = new_page()
    try:
        log_in(member_again, world.member)
        member_again.goto(f"/calling/{world.project_id}")
        expect(member_again.locator("#assigned-variant")).to_have_text("この会社のパターン: A（Anken が割り当て）")
        expect(member_again.locator("#script-choice")).to_have_count(0)
    finally:
        member_again.context.close()
