"""Shared steps of the client-user stories: setting a password through an invitation link, a client user's
login, the appointments a member sets through the calling API, and one appointment's outcome form (the same
form on the staff and the client appointments pages). Each test keeps its own assertions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
from playwright.sync_api import Page, expect

from e2e.world import World, ok


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def accepted_client_user(world: World, email: str, name: str, password: str) -> None:
    """The world's director invites a person of the world's client through the API; the invitation is accepted
    with `password` (no browser)."""
    invited = ok(httpx.post(f"{world.projects_url}/v1/clients/{world.client_id}/invitations",
                            json={"email": email, "name": name}, headers=world.director.headers, timeout=30))
    token = parse_qs(urlparse(invited["link"]).query)["token"][0]
    ok(httpx.post(f"{world.projects_url}/v1/invitations/accept", json={"token": token, "password": password}, timeout=30))


def submit_password(page: Page, link: str | None, password: str, again: str | None = None) -> None:
    """On the invitation link's page (opened first when `link` is given): the password twice, then submit."""
    if link is not None:
        page.goto(link)
    page.get_by_label("新しいパスワード").fill(password)
    page.get_by_label("パスワード（確認）").fill(password if again is None else again)
    page.get_by_role("button", name="パスワードを設定").click()


def accept_invitation(page: Page, link: str | None, password: str) -> None:
    """Sets the password through the link and waits for the page to say it was set."""
    submit_password(page, link, password)
    expect(page.locator(".flash")).to_contain_text("パスワードを設定しました")


def log_in_client(page: Page, email: str, password: str, *, open_login: bool = False) -> None:
    """Logs in on the login page (the one accepting an invitation lands on) and checks it lands on /client."""
    if open_login:
        page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    assert page.url.endswith("/client"), page.url


def set_appointments(world: World, count: int, qualification: dict[str, str],
                     duration_s: int = 120) -> list[dict[str, Any]]:
    """The world's member sets `count` appointments in the world's project (meetings 1…count days ahead);
    the new ones, as the director lists them."""
    member = httpx.Client(base_url=world.projects_url, headers=world.member.headers, timeout=30)
    director = httpx.Client(base_url=world.projects_url, headers=world.director.headers, timeout=30)
    listed = {"project_id": world.project_id, "limit": 500}
    before = {a["id"] for a in ok(director.get("/v1/appointments", params=listed))["items"]}
    for days in range(1, count + 1):
        target = ok(member.post(f"/v1/projects/{world.project_id}/next-target", json={}))["target"]
        now = datetime.now(UTC)
        ok(member.post(f"/v1/projects/{world.project_id}/calls", json={
            "target_id": target["id"], "member_id": world.member.id, "occurred_at": now.isoformat(),
            "outcome": "appointment", "duration_s": duration_s,
            "appointment": {"meeting_at": (now + timedelta(days=days)).isoformat(), "qualification": qualification}}))
    return [a for a in ok(director.get("/v1/appointments", params=listed))["items"] if a["id"] not in before]


def report_outcome(page: Page, appointment_id: str, *, status: str | None = None, outcome: str | None = None,
                   reason: str | None = None, meeting_at: str | None = None, deal_amount: str | None = None,
                   deal_stage: str | None = None) -> None:
    """Fills the appointment's row of the outcome form with what is given and saves it (the caller checks the answer)."""
    row = page.locator(f'tr[data-appointment-id="{appointment_id}"]')
    if status is not None:
        row.locator(f"#st-{appointment_id}").select_option(status)
    if meeting_at is not None:
        row.locator(f"#ma-{appointment_id}").fill(meeting_at)
    if outcome is not None:
        row.locator(f"#po-{appointment_id}").select_option(outcome)
    if reason is not None:
        row.locator(f"#ur-{appointment_id}").select_option(reason)
    if deal_amount is not None:
        row.locator(f"#da-{appointment_id}").fill(deal_amount)
    if deal_stage is not None:
        row.locator(f"#ds-{appointment_id}").select_option(deal_stage)
    row.get_by_role("button", name="保存").click()
