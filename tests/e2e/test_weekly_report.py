"""A director writes the weekly notes (autosaved), publishes, and downloads the published version;
a refused save keeps what was typed and says why next to the field."""

from __future__ import annotations

import csv
import io
import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
from openpyxl import load_workbook
from playwright.sync_api import expect
from pptx import Presentation

from e2e.conftest import log_in
from e2e.world import World


def deck_text(body: bytes) -> str:
    deck = Presentation(io.BytesIO(body))
    return " ".join(shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame)


def workbook_text(body: bytes) -> str:
    book = load_workbook(io.BytesIO(body))
    return " ".join(str(c.value) for sheet in book.worksheets for row in sheet.iter_rows() for c in row if c.value)


def csv_text(body: bytes) -> str:
    return " ".join(",".join(row) for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def slack_texts(sandbox_url: str) -> list[str]:
    answer = httpx.get(f"{sandbox_url}/_sandbox/slack/messages", params={"limit": 1000}, timeout=10)
    return [m["text"] for m in answer.raise_for_status().json()["items"]]


def test_director_publishes_weekly_report_and_downloads_the_published_version(page, world: World, services) -> None:
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
    row = page.locator('#report-versions tr[data-version="1"]')
    expect(row).to_contain_text("第 1 版")
    expect(row).to_contain_text(world.director.name)

    with page.expect_download() as info:
        page.locator('[data-download="pptx"]').click()
    assert "第1版" in info.value.suggested_filename
    deck = open(info.value.path(), "rb").read()
    assert len(Presentation(io.BytesIO(deck)).slides) >= 3
    text = deck_text(deck)
    assert world.project_name in text and "製造業向けトークを追加" in text
    assert "第 1 版" in text and "下書き" not in text

    # Every download offered by default is the published version: its number, never 下書き.
    readers = {"xlsx": workbook_text, "csv": csv_text, "html": lambda body: body.decode("utf-8")}
    for kind, read in readers.items():
        answer = page.request.get(page.locator(f'[data-download="{kind}"]').get_attribute("href"))
        assert answer.ok, kind
        content = read(answer.body())
        assert "第 1 版" in content and "下書き" not in content, kind
    preview = page.request.get(page.locator('[data-download="html"]').get_attribute("href"))
    assert preview.headers["content-disposition"].startswith("inline")
    assert world.project_name in preview.text()
    # The current draft stays reachable apart, and says what it is.
    draft = page.request.get(page.locator('[data-draft-download="html"]').get_attribute("href"))
    assert "下書き" in draft.text()

    # The version opens read-only on its own page.
    row.get_by_role("link", name="第 1 版").click()
    expect(page.locator("#version-notice")).to_contain_text("第 1 版")
    expect(page.locator("#report-form")).to_have_count(0)
    expect(page.get_by_text("勤怠の締め作業に課題感のある企業が多い", exact=True)).to_be_visible()

    # Slack gets a shared link of the web app that opens without a login (tests/e2e/test_report_links.py),
    # never an API URL.
    week = datetime.now(ZoneInfo("Asia/Tokyo")).strftime("%G-W%V")
    wanted = re.compile(re.escape(services["web"]) + r"/r/[A-Za-z0-9_-]+")
    deadline = time.monotonic() + 60
    posted: list[str] = []
    while time.monotonic() < deadline and not posted:
        posted = [t for t in slack_texts(services["sandbox"])
                  if wanted.search(t) and f"週次レポート {week} (第 1 版)" in t and world.project_name in t]
        time.sleep(0.5)
    assert posted, "the weekly report was not posted to Slack with a shared link"
    assert "/v1/" not in posted[0]
    shared = httpx.get(wanted.search(posted[0]).group(0), timeout=30)  # no session
    assert shared.status_code == 200 and world.project_name in shared.text and "第 1 版" in shared.text


def test_a_refused_note_keeps_what_was_typed_and_says_why_next_to_the_field(page, world: World) -> None:
    week = "2026-W05"
    too_long = "あ" * 5000
    # The editor's limits are reporting-api's own (GET /v1/weekly-reports/limits, from DraftIn), not copies.
    limits = httpx.get(f"{world.reporting_url}/v1/weekly-reports/limits", headers=world.director.headers).json()
    line_max, lines_max = limits["notes.learnings.*"]["max_length"], limits["notes.learnings"]["max_items"]
    assert line_max < 5000
    rule = f"学び: 1 行は {line_max:,} 文字以内で入力してください"
    log_in(page, world.director)
    page.goto(f"/projects/{world.project_id}/reports?week={week}")
    # The limit is visible before it is hit, and the counter turns red past it.
    counter = page.locator("#counter-learnings")
    expect(counter).to_contain_text(f"{line_max:,}")
    expect(page.get_by_label("学び")).to_have_attribute("data-line-limit", str(line_max))
    expect(page.get_by_label("学び")).to_have_attribute("data-lines-limit", str(lines_max))
    page.get_by_label("良い反応").fill("情シス部門長から好反応")
    page.get_by_label("学び").fill(too_long)
    expect(counter).to_contain_text(f"5,000 / {line_max:,}")
    expect(counter).to_have_class(re.compile(r"\berror\b"))
    # The autosave is refused with the field's label and rule, not a raw key.
    expect(page.locator("#save-status")).to_contain_text(rule, timeout=10_000)
    expect(page.locator("#save-status")).not_to_contain_text("notes.learnings")

    page.locator("#publish").click()
    error = page.locator("#error-learnings")
    expect(error).to_contain_text(rule)
    expect(page.get_by_label("学び")).to_have_value(too_long)
    expect(page.get_by_label("良い反応")).to_have_value("情シス部門長から好反応")
    expect(page.get_by_label("学び")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".flash")).to_have_count(0)
    expect(page.locator("#report-status")).to_have_text("未公開")
    red, green, blue = [int(v) for v in error.evaluate("e => getComputedStyle(e).color").strip("rgba()").split(",")[:3]]
    assert red > 120 and red > green + 60 and red > blue + 60, (red, green, blue)

    # Coming back to the page (the server never had the notes) brings back what was typed.
    page.goto(f"/projects/{world.project_id}/reports?week={week}")
    expect(page.get_by_label("学び")).to_have_value(too_long)
    expect(page.get_by_label("良い反応")).to_have_value("情シス部門長から好反応")
    expect(page.locator("#draft-restored")).to_be_visible()
    # Once a save goes through, the local copy is forgotten and the notice goes away.
    page.get_by_label("学び").fill("10時台は受付ブロックが少ない")
    expect(page.locator("#save-status")).to_contain_text("保存しました", timeout=10_000)
    expect(page.locator("#draft-restored")).to_be_hidden()
    assert page.evaluate("Object.keys(sessionStorage).filter(k => k.startsWith('anken:report:')).length") == 0
