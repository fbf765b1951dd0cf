"""The director hears of the client's comments on their home page (issue 17): a comment the client's person
writes on a published weekly report shows in the home's 「クライアントからのコメント」 panel — project, week, author,
the first 120 characters, newest first — and its link opens that week's published report."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import expect

from e2e.clients import accepted_client_user, iso_week
from e2e.conftest import log_in
from e2e.world import World, ok

PASSWORD = "client-comment-passphrase"
TOKYO = ZoneInfo("Asia/Tokyo")


def client_token(world: World, run: str) -> str:
    email = f"comment-{run}@e2e.example.jp"
    accepted_client_user(world, email, "発注 一郎", PASSWORD)
    answer = ok(httpx.post(f"{world.projects_url}/v1/auth/token", json={"email": email, "password": PASSWORD}, timeout=30))
    return str(answer["access_token"])


def test_the_directors_home_lists_the_clients_comments(page, world: World, services) -> None:
    run = uuid.uuid4().hex[:6]
    director = httpx.Client(base_url=world.reporting_url, headers=world.director.headers, timeout=60)
    week = iso_week(datetime.now(TOKYO).date() - timedelta(days=7))
    reports = f"/v1/projects/{world.project_id}/weekly-reports/{week}"
    assert director.post(f"{reports}/publish").status_code in (200, 201)
    version = ok(director.get(f"{reports}/versions"))["versions"][0]["version"]

    buyer = httpx.Client(base_url=world.reporting_url, timeout=30,
                         headers={"Authorization": f"Bearer {client_token(world, run)}"})
    long_body = f"[{run}] " + "決裁者アポの比率を次回の定例で確認させてください。" * 8
    ok(buyer.post(f"{reports}/comments", json={"body": f"[{run}] 最初のコメントです。"}))
    ok(buyer.post(f"{reports}/comments", json={"body": long_body}))
    ok(director.post(f"{reports}/comments", json={"body": f"[{run}] ディレクターの返信"}))

    log_in(page, world.director)
    page.goto("/home")
    panel = page.locator("#client-comments")
    expect(panel.get_by_role("heading")).to_contain_text("クライアントからのコメント")
    mine = panel.locator("li", has_text=f"[{run}]")
    expect(mine).to_have_count(2)  # the client's two; the director's own answer is no news to them
    newest = mine.nth(0)
    expect(newest).to_contain_text(world.project_name)
    expect(newest).to_contain_text(week)
    expect(newest).to_contain_text("発注 一郎")
    quoted = newest.locator("q").inner_text()
    assert quoted.endswith("…") and len(quoted) == 121 and long_body.startswith(quoted[:-1]), quoted
    expect(mine.nth(1).locator("q")).to_have_text(f"[{run}] 最初のコメントです。")

    newest.get_by_role("link").click()
    page.wait_for_url(f"**/projects/{world.project_id}/reports?week={week}&version={version}")
    expect(page.locator("body")).to_contain_text(week)
