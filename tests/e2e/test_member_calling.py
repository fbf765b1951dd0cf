"""A member logs ten calls by keyboard, one an appointment, and today's tally follows."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import httpx
from playwright.sync_api import expect

from e2e.conftest import log_in, screenshot
from e2e.world import World

KEYS = ["1", "2", "3", "4", "5", "6", "1", "1", "5"]
# A company accepts outcome keys once it has been on screen for CALLING_MIN_DWELL_MS (300 ms):
# calling.js marks its card data-ready then.
READY = "[data-target-id][data-ready]"


def member_calls(world: World) -> list[dict]:
    """Every call of the member on the project, through the projects-api call list."""
    calls, cursor = [], None
    while True:
        page = httpx.get(f"{world.projects_url}/v1/projects/{world.project_id}/calls", headers=world.member.headers,
                         params={"member_id": world.member.id, "limit": 500, **({"cursor": cursor} if cursor else {})}).json()
        calls += page["items"]
        cursor = page.get("next_cursor")
        if not cursor:
            return calls


def test_member_logs_ten_calls_by_keyboard_including_an_appointment(page, world: World) -> None:
    log_in(page, world.member)
    expect(page).to_have_url(re.compile(r"/calling$"))
    page.get_by_role("link", name=world.project_name).click()
    expect(page.locator("#tally-title")).to_be_visible()
    page.wait_for_function("() => !!window.htmx")
    screenshot(page, "member-calling")
    tally = {key: int(page.locator(f'[data-tally="{key}"]').inner_text().replace(",", ""))
             for key in ("calls", "contacts", "appointments")}

    labels = {"1": "不通", "2": "番号無効", "3": "受付ブロック", "4": "担当者不在", "5": "接続・お断り", "6": "接続・再架電"}
    calls_before = len(member_calls(world))
    for key in KEYS:
        # One keystroke, one request: the call is logged and the next company comes back in its answer.
        attempt = page.locator("#log-form [name=attempt]").input_value()
        expect(page.locator(READY)).to_have_count(1)
        with page.expect_response(lambda r: r.url.endswith("/log")) as answer:
            page.locator("body").press(key)
        assert answer.value.status == 200
        # Each answer is a fresh panel (a new attempt id); wait for it before the next key.
        expect(page.locator("#log-form [name=attempt]")).not_to_have_value(attempt)
        expect(page.locator("#logged")).to_have_text(f"記録しました: {labels[key]}")
        expect(page.locator("[data-target-id]")).to_have_count(1)

    # The tenth call is an appointment: key 7 opens the form with the project's qualification fields.
    appointment_target = page.locator("[data-target-id]").get_attribute("data-target-id")
    expect(page.locator(READY)).to_have_count(1)
    page.locator("body").press("7")
    dialog = page.locator("#appointment-dialog")
    expect(dialog).to_be_visible()
    meeting = (datetime.now() + timedelta(days=3)).replace(hour=14, minute=0, second=0, microsecond=0)
    dialog.locator("#meeting-at").fill(meeting.strftime("%Y-%m-%dT%H:%M"))
    dialog.locator("[name=q_budget]").fill("年間300万円")
    dialog.locator("[name=q_authority]").fill("人事部長")
    dialog.locator("#meeting-at").press("Enter")
    expect(page.locator("#logged")).to_contain_text("アポ獲得")
    assert len(member_calls(world)) == calls_before + 10

    # The tally comes from reporting-api, which follows the events within moments.
    expect(page.locator('[data-tally="calls"]')).to_have_text(f"{tally['calls'] + 10:,}", timeout=20_000)
    expect(page.locator('[data-tally="appointments"]')).to_have_text(f"{tally['appointments'] + 1:,}")
    expect(page.locator('[data-tally="contacts"]')).to_have_text(f"{tally['contacts'] + 4:,}")

    appointments = httpx.get(f"{world.projects_url}/v1/appointments", headers=world.director.headers,
                             params={"project_id": world.project_id}).json()["items"]
    mine = [a for a in appointments if a["target_id"] == appointment_target]
    assert len(mine) == 1
    assert mine[0]["qualification"] == {"budget": "年間300万円", "authority": "人事部長"}


def test_rejected_appointment_keeps_the_company_and_says_why(page, world: World) -> None:
    log_in(page, world.member)
    page.goto(f"/calling/{world.project_id}")
    target = page.locator("[data-target-id]").get_attribute("data-target-id")
    expect(page.locator(READY)).to_have_count(1)
    page.locator("body").press("7")
    page.fill("#meeting-at", "2020-01-06T10:00")  # before the call: the API refuses it
    typed = {"#appt-contact": "田中 一郎", "#appt-contact-title": "人事部 部長"}
    for selector, value in typed.items():
        page.fill(selector, value)
    bant = {"[name=q_budget]": "年間500万円", "[name=q_authority]": "人事部長の決裁"}
    for selector, value in bant.items():
        page.fill(f"#appointment-dialog {selector}", value)
    page.get_by_role("button", name="アポを保存して次へ").click()
    # The form comes back open with everything typed, the refusal in red Japanese next to its field.
    dialog = page.locator("#appointment-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#error-meeting_at")).to_have_text("商談日時: 今より後の日時を入力してください")
    expect(dialog.locator("#error-meeting_at")).to_have_css("color", "rgb(179, 38, 30)")
    expect(dialog.locator("#meeting-at")).to_have_value("2020-01-06T10:00")
    for selector, value in typed.items():
        expect(dialog.locator(selector)).to_have_value(value)
    for selector, value in bant.items():
        expect(dialog.locator(selector)).to_have_value(value)
    expect(page.locator("#call-panel > .error")).not_to_contain_text("appointment")
    expect(page.locator("[data-target-id]")).to_have_attribute("data-target-id", target)

    # Corrected, the same company's appointment goes through with what was kept.
    page.fill("#meeting-at", (datetime.now() + timedelta(days=5)).strftime("%Y-%m-%dT10:00"))
    page.get_by_role("button", name="アポを保存して次へ").click()
    expect(page.locator("#logged")).to_contain_text("アポ獲得")
    booked = httpx.get(f"{world.projects_url}/v1/appointments", headers=world.director.headers,
                       params={"project_id": world.project_id}).json()["items"]
    assert [a["target_id"] for a in booked].count(target) == 1
    kept = next(a for a in booked if a["target_id"] == target)
    assert (kept["contact_name"], kept["contact_title"], kept["qualification"]) == (
        "田中 一郎", "人事部 部長", {"budget": "年間500万円", "authority": "人事部長の決裁"})


def call_limits(world: World) -> dict:
    answer = httpx.get(f"{world.projects_url}/v1/calls/limits", headers=world.member.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_note_over_the_limit_is_refused_with_the_rule_and_kept(page, world: World) -> None:
    limits = call_limits(world)
    note_max = limits["note"]["max_length"]
    log_in(page, world.member)
    page.goto(f"/calling/{world.project_id}")
    page.wait_for_function("() => !!window.htmx")
    target = page.locator("[data-target-id]").get_attribute("data-target-id")
    # The limits on the page are projects-api's (GET /v1/calls/limits), not copies of them.
    counter = page.locator("#note-counter")
    expect(counter).to_have_text(f"0 / {note_max:,} 文字")
    dialog = page.locator("#appointment-dialog")
    for selector, path in (("#appt-contact", "appointment.contact_name"), ("#appt-contact-title", "appointment.contact_title")):
        assert dialog.locator(selector).get_attribute("maxlength") == str(limits[path]["max_length"])
    assert dialog.locator("[name=q_budget]").get_attribute("maxlength") == \
        str(limits["appointment.qualification.*"]["max_length"])
    # Pasted, not cut: the note field has no maxlength, so the whole text reaches the API.
    assert page.locator("#call-note").get_attribute("maxlength") is None
    too_long = "先方の反応メモ。" * (note_max // 8 + 1)
    assert len(too_long) > note_max
    page.fill("#call-note", too_long)
    # The counter shows the limit while typing and turns red past it.
    expect(counter).to_have_text(f"{len(too_long):,} / {note_max:,} 文字")
    expect(counter).to_have_class(re.compile(r"\berror\b"))
    page.locator("#call-note").press("Escape")  # leave the field: the number keys log outcomes again
    expect(page.locator(READY)).to_have_count(1)
    with page.expect_response(lambda r: r.url.endswith("/log")):
        page.keyboard.press("1")
    expect(page.locator("#error-note")).to_have_text(f"メモ: {note_max:,} 文字以内で入力してください")
    expect(page.locator("#error-note")).to_have_css("color", "rgb(179, 38, 30)")
    expect(page.locator("#call-note")).to_have_value(too_long)
    expect(counter).to_have_text(f"{len(too_long):,} / {note_max:,} 文字")  # the kept note, counted
    expect(page.locator("[data-target-id]")).to_have_attribute("data-target-id", target)
    assert httpx.get(f"{world.projects_url}/v1/targets/{target}", headers=world.director.headers).json()["call_count"] == 0

    # With the note shortened, the same company's call goes through.
    page.fill("#call-note", "折り返し不要")
    page.locator("#call-note").press("Escape")
    expect(page.locator(READY)).to_have_count(1)
    with page.expect_response(lambda r: r.url.endswith("/log")):
        page.keyboard.press("1")
    expect(page.locator("#logged")).to_have_text("記録しました: 不通")
    calls = httpx.get(f"{world.projects_url}/v1/projects/{world.project_id}/calls", headers=world.member.headers,
                      params={"target_id": target}).json()["items"]
    assert [c["note"] for c in calls] == ["折り返し不要"]


def test_the_same_keystroke_sent_twice_logs_one_call(page, world: World) -> None:
    log_in(page, world.member)
    page.goto(f"/calling/{world.project_id}")
    target = page.locator("[data-target-id]").get_attribute("data-target-id")
    form = {"csrf_token": page.locator("#log-form [name=csrf_token]").input_value(), "target_id": target,
            "attempt": page.locator("#log-form [name=attempt]").input_value(), "outcome": "no_answer", "duration_s": "3"}
    for _ in range(2):  # a double click or a retry after a lost answer
        assert page.request.post(f"/calling/{world.project_id}/log", form=form).ok
    calls = httpx.get(f"{world.projects_url}/v1/targets/{target}", headers=world.director.headers).json()["call_count"]
    assert calls == 1


def test_director_records_the_hand_off_and_the_clients_outcome(page, world: World) -> None:
    appointment = httpx.get(f"{world.projects_url}/v1/appointments", headers=world.director.headers,
                            params={"project_id": world.project_id}).json()["items"][0]
    log_in(page, world.director)
    page.goto(f"/projects/{world.project_id}/appointments")
    page.select_option(f"#st-{appointment['id']}", "held")
    page.locator(f"#st-{appointment['id']}").locator("xpath=ancestor::form").get_by_role("button", name="保存").click()
    expect(page.locator(".flash")).to_have_text("保存しました。")
    page.select_option(f"#po-{appointment['id']}", "qualified")
    page.locator(f"#po-{appointment['id']}").locator("xpath=ancestor::form").get_by_role("button", name="保存").click()
    expect(page.locator(".flash")).to_have_text("保存しました。")
    expect(page.locator(f"#po-{appointment['id']}")).to_have_value("qualified")
    stored = httpx.get(f"{world.projects_url}/v1/appointments/{appointment['id']}", headers=world.director.headers).json()
    assert (stored["handoff_status"], stored["partner_outcome"]) == ("held", "qualified")


def test_member_flags_a_company_do_not_call_and_moves_on(page, world: World) -> None:
    log_in(page, world.member)
    page.goto(f"/calling/{world.project_id}")
    target = page.locator("[data-target-id]").get_attribute("data-target-id")
    page.fill("#call-note", "今後の連絡は不要とのこと")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="架電禁止にする(先方の申し出)").click()
    expect(page.locator("#flagged")).to_have_text("この企業を架電禁止にしました。")
    expect(page.locator("[data-target-id]")).not_to_have_attribute("data-target-id", target)
    flagged = httpx.get(f"{world.projects_url}/v1/targets/{target}", headers=world.director.headers).json()
    assert flagged["do_not_call"] is True
