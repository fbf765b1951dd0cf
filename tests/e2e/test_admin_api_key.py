"""An admin issues an API key in the browser; the partner API accepts the secret shown once."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import expect

from e2e.conftest import log_in
from e2e.world import World


def test_admin_creates_api_key_and_partner_api_accepts_it(page, world: World) -> None:
    log_in(page, world.admin)
    page.goto(f"/admin/api-keys?client_id={world.client_id}")
    page.get_by_label("キーの名前").fill("E2E連携")
    # The scope read:projects, by its label (never the raw scope string).
    page.get_by_label("案件の参照").check()
    page.get_by_role("button", name="発行する").click()
    secret = page.locator("#api-key-secret").inner_text().strip()
    assert secret.startswith("ak_")

    partner = httpx.get(f"{world.projects_url}/v1/projects", headers={"Authorization": f"Bearer {secret}"})
    assert partner.status_code == 200, partner.text
    assert [p["id"] for p in partner.json()["items"]] == [world.project_id]

    page.goto(f"/admin/api-keys?client_id={world.client_id}")
    expect(page.locator("#api-key-secret")).to_have_count(0)  # never shown again
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("row", name="E2E連携").get_by_role("button", name="無効化").click()
    expect(page.locator(".flash")).to_contain_text("API キーを無効化しました")
    refused = httpx.get(f"{world.projects_url}/v1/projects", headers={"Authorization": f"Bearer {secret}"})
    assert refused.status_code == 401


def test_admin_creates_a_user_who_can_log_in_and_changes_the_role(page, world: World) -> None:
    log_in(page, world.admin)
    page.goto("/admin/users")
    email = f"new-member-{world.client_id[:6]}@e2e.example.jp"
    page.fill("#nu-name", "新人 メンバー")
    page.fill("#nu-email", email)
    page.select_option("#nu-role", "member")
    page.fill("#nu-password", "first-password-123")
    page.get_by_role("button", name="ユーザーを作成").click()
    expect(page.locator(".flash")).to_contain_text("新人 メンバー")
    assert httpx.post(f"{world.projects_url}/v1/auth/token",
                      json={"email": email, "password": "first-password-123"}).status_code == 200

    page.fill("#u-q", email)
    page.get_by_role("button", name="絞り込む").click()
    row = page.get_by_role("row", name=re.compile("新人 メンバー"))
    row.locator("select[name=role]").select_option("manager")
    row.get_by_role("button", name="保存").click()
    expect(page.locator(".flash")).to_have_text("保存しました。")
    user = httpx.get(f"{world.projects_url}/v1/users", headers=world.admin.headers, params={"q": email}).json()["items"][0]
    assert user["role"] == "manager"
