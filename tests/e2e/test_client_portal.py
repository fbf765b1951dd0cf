"""The client portal in a browser, as a client user invited by the director: the month at a glance shows
reporting-api's figures, the appointments list takes the client's feedback (held + qualified with a deal, a
no-show; a refusal keeps what was typed), only published weekly reports are listed and downloadable, a comment
reaches the director; another client's project is 404 and staff opening the portal go to their own home."""

from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import expect

from e2e.clients import accepted_client_user, iso_week, log_in_client, report_outcome, set_appointments
from e2e.conftest import log_in
from e2e.world import World, ok

PASSWORD = "client-portal-passphrase"
TOKYO = ZoneInfo("Asia/Tokyo")


def invited_client_user(world: World, run: str) -> str:
    email = f"portal-{run}@e2e.example.jp"
    accepted_client_user(world, email, "発注 花子", PASSWORD)
    return email


def month_figures(world: World, at_least: int = 0) -> dict:
    """The project's month figures as reporting-api gives them, once it has folded in `at_least` appointments."""
    today = datetime.now(TOKYO).date()
    first = today.replace(day=1)
    after = (first + timedelta(days=32)).replace(day=1)
    deadline = time.monotonic() + 30
    while True:
        kpis = ok(httpx.get(f"{world.reporting_url}/v1/projects/{world.project_id}/kpis", headers=world.director.headers,
                            params={"from": first.isoformat(), "to": after.isoformat()}, timeout=30))
        if kpis["month"]["appointments_so_far"] >= at_least or time.monotonic() > deadline:
            return kpis
        time.sleep(0.5)


def test_client_user_uses_the_portal(page, world: World, services) -> None:
    run = uuid.uuid4().hex[:6]
    admin = httpx.Client(base_url=world.projects_url, headers=world.admin.headers, timeout=30)
    other_client = ok(admin.post("/v1/clients", json={"name": f"株式会社よそ {run}"}))["id"]
    other = ok(admin.post("/v1/projects", json={"client_id": other_client, "name": f"よその案件 {run}",
                                                "director_id": world.admin.id, "monthly_appointment_target": 10}))
    email = invited_client_user(world, run)
    before = month_figures(world)["month"]["appointments_so_far"]  # earlier tests set some in this project too
    held, gone, refused = set_appointments(world, 3, {"budget": "年間500万円", "authority": "部長決裁"})
    kpis = month_figures(world, at_least=before + 3)
    assert kpis["month"]["appointments_so_far"] == before + 3, (before, kpis["month"])

    # Last week's report is published; this week's stays a draft the client never sees.
    reporting = httpx.Client(base_url=world.reporting_url, headers=world.director.headers, timeout=60)
    today = datetime.now(TOKYO).date()
    last_week, this_week = iso_week(today - timedelta(days=7)), iso_week(today)
    reports = f"/v1/projects/{world.project_id}/weekly-reports"
    ok(reporting.put(f"{reports}/{last_week}/draft", json={"notes": {"learnings": ["決裁者への直通が効果的"]}}))
    assert reporting.post(f"{reports}/{last_week}/publish").status_code in (200, 201)
    ok(reporting.put(f"{reports}/{this_week}/draft", json={"notes": {"objections": ["社内メモ（未公開）"]}}))

    log_in_client(page, email, PASSWORD, open_login=True)

    # The month at a glance: reporting-api's month figures, never another client's project.
    row = page.locator(f'#client-projects tr[data-project-id="{world.project_id}"]')
    expect(row.locator('[data-glance="delivered"]')).to_contain_text(
        f"{kpis['month']['appointments_so_far']} / {kpis['target']['monthly_appointment_target']}")
    expect(row).to_contain_text("稼働中")
    expect(page.locator("#client-projects")).not_to_contain_text(other["name"])
    row.get_by_role("link", name=world.project_name).click()
    expect(page.locator('[data-kpi="delivered"]')).to_contain_text(
        f"{kpis['month']['appointments_so_far']} / {kpis['target']['monthly_appointment_target']}")
    expect(page.locator("svg.chart")).to_be_visible()

    # The appointments list: the agreed qualification answers, the meeting time, the client's feedback.
    page.get_by_role("navigation", name="案件のセクション").get_by_role("link", name="アポイント一覧").click()
    first = page.locator(f'tr[data-appointment-id="{held["id"]}"]')
    expect(first).to_contain_text("年間500万円")
    expect(first).to_contain_text(held["company_name"])
    expect(first).not_to_contain_text(world.member.name)  # member names only where the project allows it
    report_outcome(page, held["id"], status="held", outcome="qualified", deal_amount="1,200,000",
                   deal_stage="negotiation")
    expect(page.locator(".flash")).to_contain_text("保存しました")

    report_outcome(page, gone["id"], status="no_show")
    expect(page.locator(".flash")).to_contain_text("保存しました")

    # Unqualified without a reason: refused next to the reason, with what was chosen kept.
    report_outcome(page, refused["id"], status="held", outcome="unqualified")
    third = page.locator(f'tr[data-appointment-id="{refused["id"]}"]')
    expect(third.locator(f'#error-r-{refused["id"]}-unqualified-reason')).to_contain_text("理由")
    expect(third.locator(f'#st-{refused["id"]}')).to_have_value("held")
    expect(third.locator(f'#po-{refused["id"]}')).to_have_value("unqualified")

    director = httpx.Client(base_url=world.projects_url, headers=world.director.headers, timeout=30)
    after_held = ok(director.get(f"/v1/appointments/{held['id']}"))
    assert (after_held["handoff_status"], after_held["partner_outcome"], after_held["deal_amount"],
            after_held["deal_stage"]) == ("held", "qualified", 1_200_000, "negotiation")
    assert ok(director.get(f"/v1/appointments/{gone['id']}"))["handoff_status"] == "no_show"
    assert ok(director.get(f"/v1/appointments/{refused['id']}"))["handoff_status"] == "set"

    # The project page's quality totals move with the feedback (reporting-api folds the events in a moment
    # later); clients see the project's totals, never the member ranking unless the project allows it.
    page.goto(f"/client/projects/{world.project_id}")
    deadline = time.monotonic() + 30
    while not page.locator("#quality-totals").is_visible() and time.monotonic() < deadline:
        time.sleep(1)
        page.reload()
    expect(page.locator('#quality-totals tr[data-rate="held_rate"]')).to_contain_text("/")
    expect(page.locator("#quality-ranking")).to_have_count(0)
    page.goto(f"/client/projects/{world.project_id}/appointments")

    # The CSV of the list: the same appointments, in Japanese.
    with page.expect_download() as csv_download:
        page.locator("#appointments-csv").click()
    exported = open(csv_download.value.path(), encoding="utf-8-sig").read()
    assert "企業名" in exported and held["company_name"] in exported and "有効" in exported

    # Weekly reports: the published week only; the draft week is not found.
    page.goto(f"/client/projects/{world.project_id}/reports")
    weeks = page.locator("#client-reports tbody tr")
    expect(page.locator(f'#client-reports tr[data-week="{last_week}"]')).to_have_count(1)
    expect(page.locator(f'#client-reports tr[data-week="{this_week}"]')).to_have_count(0)
    assert weeks.count() >= 1
    draft = page.goto(f"/client/projects/{world.project_id}/reports/{this_week}")
    assert draft is not None and draft.status == 404
    page.goto(f"/client/projects/{world.project_id}/reports/{last_week}")
    expect(page.locator("#report-status")).to_contain_text("版")
    with page.expect_download() as pptx:
        page.locator('[data-download="pptx"]').click()
    assert pptx.value.suggested_filename.endswith(".pptx")
    assert open(pptx.value.path(), "rb").read(2) == b"PK"

    # A comment for the director: an empty one is refused next to the field, a real one is shown and readable.
    page.get_by_role("button", name="コメントを送信").click()
    expect(page.locator("#error-body")).to_be_visible()
    page.get_by_label("コメント", exact=True).fill("来週の定例で無効アポの理由を確認させてください。")
    page.get_by_role("button", name="コメントを送信").click()
    expect(page.locator(".flash")).to_contain_text("コメントを送信しました")
    expect(page.locator("#report-comments")).to_contain_text("無効アポの理由")
    comments = ok(reporting.get(f"{reports}/{last_week}/comments"))["items"]
    assert comments[-1]["body"] == "来週の定例で無効アポの理由を確認させてください。"

    # Another client's project is not found on every portal page; agency pages stay closed.
    for path in (f"/client/projects/{other['id']}", f"/client/projects/{other['id']}/appointments",
                 f"/client/projects/{other['id']}/reports", f"/client/projects/{other['id']}/reports/{last_week}",
                 f"/projects/{world.project_id}/appointments", "/home"):
        response = page.goto(path)
        assert response is not None and response.status == 404, f"{path}: {response.status if response else None}"

    # Staff opening the portal go to their own home.
    page.context.clear_cookies()
    log_in(page, world.director)
    page.goto(f"/client/projects/{world.project_id}")
    assert urlparse(page.url).path == "/home", page.url
