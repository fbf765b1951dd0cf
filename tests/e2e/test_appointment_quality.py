"""The director's project page (and home) shows appointment quality: each rate with its 95% Wilson interval and its
counts, and the member ranking; when an appointment's outcome changes (PATCH /v1/appointments/{id}), the
figures and the ranking move once reporting-api has applied the events.

A project of its own, so the numbers are exact: member A sets three appointments (held + qualified,
held + unqualified, no-show), member B one (held, not yet judged).
held 3/4 = 75% (95% CI 30–95%), qualified 1/2 = 50% (9–91%); A ranks first (B has nothing judged).
Then B's appointment is reported qualified: qualified 2/3 = 67% (21–94%) and B (1/1) ranks first.
"""

from __future__ import annotations

import io
import time
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from playwright.sync_api import expect

from e2e.conftest import log_in, screenshot
from e2e.world import Person, World, new_user, ok


def _project_with_two_members(world: World) -> tuple[str, Person, Person]:
    run = uuid.uuid4().hex[:6]
    admin = httpx.Client(base_url=world.projects_url, headers=world.admin.headers, timeout=30)
    member_b = new_user(world, "member", "高橋 メンバー", f"member-b-{run}@e2e.example.jp")
    project_id = ok(admin.post("/v1/projects", json={
        "client_id": world.client_id, "name": f"アポ品質 {run}", "director_id": world.director.id,
        "monthly_appointment_target": 10, "qualification_fields": ["budget"]}))["id"]
    for item in ok(admin.get(f"/v1/projects/{project_id}/kickoff-items"))["items"]:
        ok(admin.patch(f"/v1/projects/{project_id}/kickoff-items/{item['key']}", json={"agreed": True, "value": "合意済み"}))
    for status in ("kickoff", "active"):
        ok(admin.post(f"/v1/projects/{project_id}/transitions", json={"to": status}))
    for member in (world.member, member_b):
        ok(admin.post(f"/v1/projects/{project_id}/assignments", json={"member_id": member.id, "planned_hours": 80}))
    list_id = ok(admin.post(f"/v1/projects/{project_id}/target-lists", json={"name": "品質テスト"}))["id"]
    rows = ["会社名,電話番号,業種,地域,優先度"] + [
        f"株式会社品質{run}{i:02d},06-{6000 + i:04d}-{2000 + i:04d},製造業,大阪府,1" for i in range(8)]
    ok(admin.post(f"/v1/target-lists/{list_id}/imports", data={"dry_run": "false"},
                  files={"file": ("targets.csv", io.BytesIO("\n".join(rows).encode()), "text/csv")}))
    return project_id, world.member, member_b


def _appointment(projects_url: str, project_id: str, member: Person) -> None:
    api = httpx.Client(base_url=projects_url, headers=member.headers, timeout=30)
    target = ok(api.post(f"/v1/projects/{project_id}/next-target", json={}))["target"]
    now = datetime.now(UTC)
    ok(api.post(f"/v1/projects/{project_id}/calls", json={
        "target_id": target["id"], "member_id": member.id, "occurred_at": now.isoformat(),
        "outcome": "appointment", "duration_s": 90,
        "appointment": {"meeting_at": (now + timedelta(days=3)).isoformat(), "qualification": {"budget": "あり"}}}))


def _appointments_of(director: httpx.Client, project_id: str) -> dict[str, list[dict]]:
    items = ok(director.get("/v1/appointments", params={"project_id": project_id, "limit": 200}))["items"]
    by_member: dict[str, list[dict]] = {}
    for item in sorted(items, key=lambda a: a["set_at"]):
        by_member.setdefault(item["member_id"], []).append(item)
    return by_member


def _show_until(page, url: str, selector: str, text: str, timeout_s: float = 45) -> None:
    """Reload the page until the quality panel shows `text` in `selector` (reporting-api applies events a
    moment after projects-api wrote them)."""
    deadline = time.monotonic() + timeout_s
    while True:
        page.goto(url)
        panel = page.locator(selector)
        panel.first.wait_for()
        if text in panel.first.inner_text() or time.monotonic() > deadline:
            break
        time.sleep(1)
    expect(panel.first).to_contain_text(text)


def test_director_sees_quality_and_ranking_move_with_an_outcome(page, world: World) -> None:
    project_id, member_a, member_b = _project_with_two_members(world)
    for member in (member_a, member_a, member_a, member_b):
        _appointment(world.projects_url, project_id, member)
    director = httpx.Client(base_url=world.projects_url, headers=world.director.headers, timeout=30)
    by_member = _appointments_of(director, project_id)
    a1, a2, a3 = (a["id"] for a in by_member[member_a.id])
    (b1,) = (a["id"] for a in by_member[member_b.id])
    reason = ok(director.get(f"/v1/projects/{project_id}"))["unqualified_reasons"][0]
    for appointment_id, change in ((a1, {"handoff_status": "held", "partner_outcome": "qualified"}),
                                   (a2, {"handoff_status": "held", "partner_outcome": "unqualified",
                                         "unqualified_reason": reason}),
                                   (a3, {"handoff_status": "no_show"}),
                                   (b1, {"handoff_status": "held"})):
        ok(director.patch(f"/v1/appointments/{appointment_id}", json=change))

    log_in(page, world.director)
    url = f"/projects/{project_id}"
    _show_until(page, url, '#quality-totals tr[data-rate="held_rate"]', "3 / 4")
    held = page.locator('#quality-totals tr[data-rate="held_rate"]')
    expect(held).to_contain_text("実施率")
    expect(held).to_contain_text("75%（95%信頼区間 30–95%）")
    expect(held.locator("svg.quality-bar")).to_have_count(1)
    qualified = page.locator('#quality-totals tr[data-rate="qualified_rate"]')
    expect(qualified).to_contain_text("50%（95%信頼区間 9–91%）")
    expect(qualified).to_contain_text("1 / 2")
    expect(page.locator('#quality-totals tr[data-rate="no_show_rate"]')).to_contain_text("25%（95%信頼区間 5–70%）")
    ranking = page.locator("#quality-ranking tbody tr")
    expect(ranking).to_have_count(2)
    expect(ranking.nth(0)).to_contain_text("鈴木 メンバー")
    expect(ranking.nth(1)).to_contain_text("高橋 メンバー")
    expect(ranking.nth(1).locator('td[data-rate="qualified_rate"]')).to_contain_text("—")

    # The client's verdict on B's appointment arrives: qualified.
    ok(director.patch(f"/v1/appointments/{b1}", json={"partner_outcome": "qualified"}))
    _show_until(page, url, '#quality-totals tr[data-rate="qualified_rate"]', "2 / 3")
    expect(page.locator('#quality-totals tr[data-rate="qualified_rate"]')).to_contain_text("67%（95%信頼区間 21–94%）")
    ranking = page.locator("#quality-ranking tbody tr")
    expect(ranking.nth(0)).to_contain_text("高橋 メンバー")
    expect(ranking.nth(0).locator('td[data-rate="qualified_rate"]')).to_contain_text("100%（95%信頼区間 21–100%）")
    expect(ranking.nth(1)).to_contain_text("鈴木 メンバー")
    page.locator("#quality").scroll_into_view_if_needed()
    screenshot(page, "director-appointment-quality")

    # The director's home: the month's quality of each project, with its interval and counts.
    page.goto("/home")
    cell = page.locator(f'tr[data-project-id="{project_id}"] td.quality-cell')
    expect(cell.locator('[data-rate="qualified_rate"]')).to_have_text("有効 67%")
    expect(cell).to_contain_text("21–94% · 2 / 3")
    expect(cell.locator('[data-rate="held_rate"]')).to_have_text("実施済み 75%")
    screenshot(page, "director-home-quality")
    page.goto(url)

    # Another period: last month had none of these appointments.
    page.select_option("#quality-period", "last_month")
    page.locator("#quality-panel").get_by_role("button", name="表示").click()
    expect(page.locator("#quality-empty")).to_be_visible()
    page.select_option("#quality-period", "90d")
    page.locator("#quality-panel").get_by_role("button", name="表示").click()
    expect(page.locator('#quality-totals tr[data-rate="qualified_rate"]')).to_contain_text("2 / 3")
