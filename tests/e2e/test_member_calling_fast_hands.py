"""The calling screen under fast hands: a key counts only for a company on screen for the minimum
dwell (300 ms), a held key's repeats and a second press 30 ms later log nothing, the logged
company's name is confirmed, Ctrl+Z takes the call back through the API and the KPIs follow, and
the pattern Anken assigned is shown and carried by the call."""

from __future__ import annotations

import time

import httpx
from playwright.sync_api import expect

from e2e.conftest import log_in
from e2e.world import World

READY = "[data-target-id][data-ready]"


def calls_of_target(world: World, target_id: str) -> list[dict]:
    return httpx.get(f"{world.projects_url}/v1/projects/{world.project_id}/calls", headers=world.member.headers,
                     params={"target_id": target_id, "limit": 50}).json()["items"]


def tally(page, key: str) -> int:
    return int(page.locator(f'[data-tally="{key}"]').inner_text().replace(",", ""))


def open_calling(page, world: World) -> str:
    log_in(page, world.member)
    page.goto(f"/calling/{world.project_id}")
    page.wait_for_function("() => !!window.htmx")
    return page.locator("[data-target-id]").get_attribute("data-target-id")


def test_a_double_press_30_ms_apart_and_a_held_key_log_one_call(page, world: World) -> None:
    first = open_calling(page, world)
    company = page.locator("#target-title").inner_text()
    expect(page.locator(READY)).to_have_count(1)
    with page.expect_response(lambda r: r.url.endswith("/log")):
        page.keyboard.press("1")
        page.wait_for_timeout(30)
        page.keyboard.press("1")
    second = page.locator("[data-target-id]")
    expect(second).not_to_have_attribute("data-target-id", first)
    second_id = second.get_attribute("data-target-id")
    # The confirmation names the company the key logged, and its name flashes (a highlight animation).
    expect(page.locator("#logged-company")).to_have_text(company)
    expect(page.locator("#logged-company")).to_have_css("animation-name", "anken-flash")
    # Fast hands again the moment the next company arrives: it has not been seen, so nothing is logged.
    page.keyboard.press("1")
    page.wait_for_timeout(600)  # any request a press had started would have landed by now
    assert len(calls_of_target(world, first)) == 1
    assert calls_of_target(world, second_id) == [], "the second press did not log the company that replaced it"

    # A key pressed the moment a company appears (before the dwell) logs nothing either.
    page.reload()
    page.wait_for_function("() => !!window.htmx")
    page.keyboard.press("1")
    page.wait_for_timeout(500)
    expect(page.locator("[data-target-id]")).to_have_attribute("data-target-id", second_id)
    assert calls_of_target(world, second_id) == []

    # A held key: the first keydown logs, its repeats do not.
    expect(page.locator(READY)).to_have_count(1)
    with page.expect_response(lambda r: r.url.endswith("/log")):
        page.keyboard.down("2")
    third = page.locator("[data-target-id]")
    expect(third).not_to_have_attribute("data-target-id", second_id)
    third_id = third.get_attribute("data-target-id")
    expect(page.locator(READY)).to_have_count(1)
    page.keyboard.down("2")  # still held: the browser reports repeat=true
    page.keyboard.up("2")
    page.wait_for_timeout(500)
    expect(page.locator("[data-target-id]")).to_have_attribute("data-target-id", third_id)
    assert [c["outcome"] for c in calls_of_target(world, second_id)] == ["invalid_number"]
    assert calls_of_target(world, third_id) == []


def test_undo_deletes_the_call_and_the_kpis_follow(page, world: World) -> None:
    target = open_calling(page, world)
    company = page.locator("#target-title").inner_text()
    # The pattern Anken assigned to this company is shown (the world has pattern A only).
    expect(page.locator("#assigned-variant")).to_have_text("この会社のパターン: A（Anken が割り当て）")
    calls_before = tally(page, "calls")
    expect(page.locator(READY)).to_have_count(1)
    with page.expect_response(lambda r: r.url.endswith("/log")):
        page.keyboard.press("5")
    expect(page.locator("#logged-company")).to_have_text(company)
    logged = calls_of_target(world, target)
    assert [(c["outcome"], c["variant"]) for c in logged] == [("connected_rejected", "A")]
    expect(page.locator('[data-tally="calls"]')).to_have_text(f"{calls_before + 1:,}", timeout=20_000)

    with page.expect_response(lambda r: r.url.endswith("/undo")):
        page.keyboard.press("Control+z")
    expect(page.locator("#undone")).to_contain_text("取り消しました: 接続・お断り")
    expect(page.locator("[data-target-id]")).to_have_attribute("data-target-id", target)
    assert calls_of_target(world, target) == []
    deleted = httpx.get(f"{world.projects_url}/v1/calls/{logged[0]['id']}", headers=world.member.headers)
    assert deleted.status_code == 404
    # reporting-api handles call.deleted: today's tally goes back.
    expect(page.locator('[data-tally="calls"]')).to_have_text(f"{calls_before:,}", timeout=20_000)
    # The company is callable again and leased back to this member: a reload (next-target) shows it.
    again = httpx.get(f"{world.projects_url}/v1/targets/{target}", headers=world.director.headers).json()
    assert (again["status"], again["call_count"]) == ("new", 0)
    handed = httpx.post(f"{world.projects_url}/v1/projects/{world.project_id}/next-target", headers=world.member.headers)
    assert handed.json()["target"]["id"] == target

    # The company is back on screen and its right outcome can be logged.
    expect(page.locator(READY)).to_have_count(1)
    with page.expect_response(lambda r: r.url.endswith("/log")):
        page.keyboard.press("4")
    assert [c["outcome"] for c in calls_of_target(world, target)] == ["absent"]


def test_the_undo_button_goes_after_ten_seconds(page, world: World) -> None:
    target = open_calling(page, world)
    expect(page.locator(READY)).to_have_count(1)
    with page.expect_response(lambda r: r.url.endswith("/log")):
        page.keyboard.press("1")
    expect(page.locator("#undo-call")).to_be_visible()
    started = time.monotonic()
    expect(page.locator("#undo-call")).to_have_count(0, timeout=15_000)
    assert time.monotonic() - started > 8
    page.keyboard.press("Control+z")  # too late: nothing is taken back
    page.wait_for_timeout(500)
    assert len(calls_of_target(world, target)) == 1


def test_the_screen_sends_the_assigned_pattern_and_another_is_refused(page, world: World) -> None:
    target = open_calling(page, world)
    form = page.locator("#log-form")
    assigned = page.locator("#assigned-variant").get_attribute("data-variant")
    assert form.locator("[name=variant]").input_value() == assigned
    fields = {name: form.locator(f"[name={name}]").input_value()
              for name in ("csrf_token", "target_id", "attempt", "script_version_id")}
    # A stale or altered page naming another pattern: the API refuses it, nothing is logged and the
    # member reads why, in Japanese.
    answer = page.request.post(f"/calling/{world.project_id}/log", form={
        **fields, "variant": "B", "outcome": "no_answer", "duration_s": "3"})
    assert answer.ok
    assert "この会社のトークパターンは Anken が割り当てます" in answer.text()
    assert calls_of_target(world, target) == []
    # What the screen itself sends carries the assigned pattern.
    expect(page.locator(READY)).to_have_count(1)
    with page.expect_response(lambda r: r.url.endswith("/log")):
        page.keyboard.press("1")
    assert [c["variant"] for c in calls_of_target(world, target)] == [assigned]
