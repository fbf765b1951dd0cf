"""Issue 17's acceptance, in one browser story on a client and project of its own (so the numbers are exact):
the director invites a person of the client from the web; the invited client user sets a password through the
one-time link, logs in and sees only their client's project (another client's project id is 404 on every portal
page); they mark one appointment held and qualified with a deal and another a no-show, and download last week's
published report. The director then sees the quality figures move on the project page and the no-show notice
in the sandbox Slack; the client user cannot reach the director's pages.

The project's two appointments give: held 1 / 2 = 50% (95% CI 9–91%), no-show 1 / 2, qualified 1 / 1 = 100%
(21–100%); before the client's feedback nothing is judged (held and qualified rates are "—")."""

from __future__ import annotations

import io
import time
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import expect

from e2e.clients import accept_invitation, iso_week, log_in_client, report_outcome
from e2e.conftest import log_in
from e2e.world import World, ok

PASSWORD = "loop-client-passphrase"
TOKYO = ZoneInfo("Asia/Tokyo")


def _client_with_a_project(world: World, run: str) -> tuple[str, str, str, str]:
    """A client of its own with one active project directed by the world's director (two appointments set)."""
    admin = httpx.Client(base_url=world.projects_url, headers=world.admin.headers, timeout=30)
    client_name = f"株式会社ループ商事 {run}"
    client_id = ok(admin.post("/v1/clients", json={"name": client_name, "industry": "SaaS"}))["id"]
    project_name = f"ループ新規開拓 {run}"
    project_id = ok(admin.post("/v1/projects", json={
        "client_id": client_id, "name": project_name, "director_id": world.director.id,
        "monthly_appointment_target": 8, "qualification_fields": ["budget", "authority"]}))["id"]
    for item in ok(admin.get(f"/v1/projects/{project_id}/kickoff-items"))["items"]:
        ok(admin.patch(f"/v1/projects/{project_id}/kickoff-items/{item['key']}", json={"agreed": True, "value": "合意済み"}))
    for status in ("kickoff", "active"):
        ok(admin.post(f"/v1/projects/{project_id}/transitions", json={"to": status}))
    ok(admin.post(f"/v1/projects/{project_id}/assignments", json={"member_id": world.member.id, "planned_hours": 80}))
    list_id = ok(admin.post(f"/v1/projects/{project_id}/target-lists", json={"name": "ループリスト"}))["id"]
    rows = ["会社名,電話番号,業種,地域,優先度"] + [
        f"株式会社ループ先{run}{i:02d},045-{7000 + i:04d}-{3000 + i:04d},製造業,神奈川県,1" for i in range(6)]
    ok(admin.post(f"/v1/target-lists/{list_id}/imports", data={"dry_run": "false"},
                  files={"file": ("targets.csv", io.BytesIO("\n".join(rows).encode()), "text/csv")}))
    member = httpx.Client(base_url=world.projects_url, headers=world.member.headers, timeout=30)
    for days in (2, 3):
        target = ok(member.post(f"/v1/projects/{project_id}/next-target", json={}))["target"]
        now = datetime.now(UTC)
        ok(member.post(f"/v1/projects/{project_id}/calls", json={
            "target_id": target["id"], "member_id": world.member.id, "occurred_at": now.isoformat(),
            "outcome": "appointment", "duration_s": 150,
            "appointment": {"meeting_at": (now + timedelta(days=days)).isoformat(),
                            "qualification": {"budget": "年間300万円", "authority": "課長決裁"}}}))
    return client_id, client_name, project_id, project_name


def _publish_last_week(world: World, project_id: str) -> str:
    reporting = httpx.Client(base_url=world.reporting_url, headers=world.director.headers, timeout=60)
    week = iso_week(datetime.now(TOKYO).date() - timedelta(days=7))
    path = f"/v1/projects/{project_id}/weekly-reports/{week}"
    ok(reporting.put(f"{path}/draft", json={"notes": {"good_reactions": ["製造業の反応が良い"]}}))
    assert reporting.post(f"{path}/publish").status_code in (200, 201)
    return week


def _until(check, what: str, within_s: float = 60) -> None:
    deadline = time.monotonic() + within_s
    while not check():
        assert time.monotonic() < deadline, f"waited {within_s} s for {what}"
        time.sleep(1)


def test_the_client_closes_the_loop_and_the_director_sees_it(page, world: World, services) -> None:
    run = uuid.uuid4().hex[:6]
    client_id, client_name, project_id, project_name = _client_with_a_project(world, run)
    other = ok(httpx.post(f"{world.projects_url}/v1/projects", headers=world.admin.headers, timeout=30, json={
        "client_id": world.client_id, "name": f"よその案件 {run}", "director_id": world.director.id,
        "monthly_appointment_target": 5}))
    week = _publish_last_week(world, project_id)

    # The director invites from the web; the one-time link is shown once (no mail outside production).
    log_in(page, world.director)
    page.get_by_role("link", name="クライアントユーザー").first.click()
    page.get_by_role("link", name=client_name).click()
    assert page.url.endswith(f"/client-users/{client_id}"), page.url
    expect(page.locator("h1")).to_contain_text(client_name)
    email = f"loop-{run}@e2e.example.jp"
    page.get_by_label("メールアドレス").fill(email)
    page.get_by_label("表示名").fill("発注 次郎")
    page.get_by_role("button", name="招待を送る").click()
    link = page.locator("#invitation-link").inner_text().strip()

    # The client user, in a browser of their own.
    guest = page.context.browser.new_context(base_url=services["web"], locale="ja-JP", accept_downloads=True)
    try:
        client = guest.new_page()
        accept_invitation(client, link, PASSWORD)
        log_in_client(client, email, PASSWORD)

        # Only their client's project; another client's project is not found on any portal page.
        rows = client.locator("#client-projects tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(project_name)
        expect(client.locator("#client-projects")).not_to_contain_text(other["name"])
        for path in (f"/client/projects/{other['id']}", f"/client/projects/{other['id']}/appointments",
                     f"/client/projects/{other['id']}/reports/{week}"):
            response = client.goto(path)
            assert response is not None and response.status == 404, path

        # The appointments: one held and qualified with a deal, the other a no-show.
        client.goto(f"/client/projects/{project_id}/appointments")
        appointment_rows = client.locator("tr[data-appointment-id]")
        expect(appointment_rows).to_have_count(2)
        ids = [appointment_rows.nth(i).get_attribute("data-appointment-id") for i in range(2)]
        held_id, no_show_id = ids
        held_row = client.locator(f'tr[data-appointment-id="{held_id}"]')
        expect(held_row).to_contain_text("年間300万円")
        report_outcome(client, held_id, status="held", outcome="qualified", deal_amount="2,400,000",
                       deal_stage="negotiation")
        expect(client.locator(".flash")).to_contain_text("保存しました")
        report_outcome(client, no_show_id, status="no_show")
        expect(client.locator(".flash")).to_contain_text("保存しました")

        # Last week's published report, downloaded.
        client.goto(f"/client/projects/{project_id}/reports/{week}")
        with client.expect_download() as pptx:
            client.locator('[data-download="pptx"]').click()
        assert open(pptx.value.path(), "rb").read(2) == b"PK"

        # The director's pages stay closed to them.
        for path in ("/home", f"/projects/{project_id}", f"/projects/{project_id}/reports", "/pipeline",
                     f"/client-users/{other['client_id']}"):
            response = client.goto(path)
            assert response is not None and response.status == 404, path
    finally:
        guest.close()

    director = httpx.Client(base_url=world.projects_url, headers=world.director.headers, timeout=30)
    held = ok(director.get(f"/v1/appointments/{held_id}"))
    no_show_company = ok(director.get(f"/v1/appointments/{no_show_id}"))["company_name"]
    assert (held["handoff_status"], held["partner_outcome"], held["deal_amount"]) == ("held", "qualified", 2_400_000)

    # The director sees the quality figures move (reporting folds the events in a moment later).
    def quality_shows() -> bool:
        page.goto(f"/projects/{project_id}")
        totals = page.locator('#quality-totals tr[data-rate="held_rate"]')
        return totals.count() == 1 and "1 / 2" in totals.inner_text()

    _until(quality_shows, "the held rate 1 / 2 on the director's project page")
    expect(page.locator('#quality-totals tr[data-rate="held_rate"]')).to_contain_text("50%（95%信頼区間 9–91%）")
    expect(page.locator('#quality-totals tr[data-rate="no_show_rate"]')).to_contain_text("1 / 2")
    expect(page.locator('#quality-totals tr[data-rate="qualified_rate"]')).to_contain_text("100%（95%信頼区間 21–100%）")
    expect(page.locator("#quality-ranking tbody tr")).to_have_count(1)
    expect(page.locator("#quality-ranking")).to_contain_text(world.member.name)

    # …and the no-show notice in the project's Slack channel (the sandbox's record of what Slack received).
    def no_show_notice() -> bool:
        answer = httpx.get(f"{services['sandbox']}/_sandbox/slack/messages", params={"limit": 1000}, timeout=10)
        return any("商談不在" in m["text"] and no_show_company in m["text"]
                   for m in answer.raise_for_status().json()["items"])

    _until(no_show_notice, f"the no-show notice of {no_show_company} in the sandbox Slack", within_s=90)
