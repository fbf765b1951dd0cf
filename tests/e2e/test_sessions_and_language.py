"""Wrong password, an expired session, and switching the UI to English."""

from __future__ import annotations

import re
import time
from dataclasses import asdict

import httpx
from playwright.sync_api import expect

from anken_web.session import Session, SessionCodec
from anken_web.settings import WebSettings
from e2e.conftest import log_in
from e2e.world import World


def test_wrong_password_says_so_and_stays_on_login(page, world: World) -> None:
    log_in(page, world.director, password="not-the-password")
    expect(page.locator("#login-error")).to_have_text("メールアドレスまたはパスワードが正しくありません。")
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("#email")).to_have_value(world.director.email)


def test_expired_session_goes_back_to_login_with_a_message(page, world: World, service_env, services) -> None:
    log_in(page, world.director)
    expect(page).to_have_url(re.compile(r"/home"))
    codec = SessionCodec(WebSettings(anken_secret_key=service_env["ANKEN_SECRET_KEY"]))
    stale = Session(token=world.director.token, expires_at=time.time() - 1,
                    user={"id": world.director.id, "role": "director", "name": world.director.name})
    page.context.add_cookies([{"name": "anken_session", "value": codec.serializer.dumps(asdict(stale)),
                               "url": services["web"]}])
    page.goto("/home")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fhome"))
    expect(page.locator(".flash")).to_have_text("セッションの有効期限が切れました。もう一度ログインしてください。")
    page.fill("#password", "e2e-password-0123")
    page.fill("#email", world.director.email)
    page.click("button[type=submit].primary")
    expect(page).to_have_url(re.compile(r"/home$"))


def test_switching_to_english_changes_the_ui_language(page, world: World) -> None:
    log_in(page, world.director)
    expect(page.locator("h1")).to_have_text("ポートフォリオ")
    try:
        page.select_option("#lang-switch", "en")
        expect(page.locator("h1")).to_have_text("Portfolio")
        expect(page.locator("html")).to_have_attribute("lang", "en")
        page.goto(f"/projects/{world.project_id}")
        expect(page.locator("#kpi-title")).to_have_text("KPIs")
        expect(page.get_by_text("Contact-to-appointment rate").first).to_be_visible()
        # The choice is the user's: a browser without any cookie logs in to English.
        page.context.clear_cookies()
        log_in(page, world.director)
        expect(page.locator("h1")).to_have_text("Portfolio")
    finally:
        # Other tests log in as this director and expect Japanese.
        httpx.patch(f"{world.projects_url}/v1/auth/me", json={"locale": "ja"},
                    headers={"Authorization": f"Bearer {world.director.token}"}, timeout=10).raise_for_status()
