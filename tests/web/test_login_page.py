"""The login page, the language of the UI, CSRF protection and session expiry, in-process."""

from __future__ import annotations

import re
import time
from dataclasses import asdict

import httpx

from anken_web.session import Session


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the page carries a CSRF field"
    return match.group(1)


async def test_login_page_renders_in_japanese_by_default(web: httpx.AsyncClient) -> None:
    response = await web.get("/")
    assert response.status_code == 200
    assert '<html lang="ja">' in response.text
    assert "Anken にログイン" in response.text
    assert "メールアドレス" in response.text
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" not in cookie


async def test_switching_to_english_changes_the_login_page(web: httpx.AsyncClient) -> None:
    token = csrf_of((await web.get("/login")).text)
    switched = await web.post("/language", data={"locale": "en", "back": "/login", "csrf_token": token})
    assert switched.status_code == 303
    page = await web.get("/login")
    assert '<html lang="en">' in page.text
    assert "Log in to Anken" in page.text
    assert "Anken にログイン" not in page.text


async def test_form_without_csrf_token_is_rejected(web: httpx.AsyncClient) -> None:
    await web.get("/login")
    response = await web.post("/login", data={"email": "a@b.jp", "password": "x"})
    assert response.status_code == 403
    assert "フォームの有効期限が切れました" in response.text
    forged = await web.post("/login", data={"email": "a@b.jp", "password": "x", "csrf_token": "forged"})
    assert forged.status_code == 403


async def test_htmx_request_with_wrong_header_is_rejected(web: httpx.AsyncClient) -> None:
    await web.get("/login")
    response = await web.post("/logout", headers={"HX-Request": "true", "X-CSRF-Token": "nope"})
    assert response.status_code == 200  # HTMX fragments are swapped only on 2xx
    assert response.headers["HX-Retarget"] == "#messages"
    assert "フォームの有効期限が切れました" in response.text


async def test_pages_need_a_login(web: httpx.AsyncClient) -> None:
    response = await web.get("/home")
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fhome"


async def test_expired_session_redirects_to_login_with_a_message(web: httpx.AsyncClient) -> None:
    codec = web.app.state.sessions  # type: ignore[attr-defined]
    stale = Session(token="expired-token", expires_at=time.time() - 5, user={"role": "director", "name": "D"})
    web.cookies.set(codec.settings.session_cookie_name, codec.serializer.dumps(asdict(stale)))
    response = await web.get("/home")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")
    # A background htmx request arriving first (a poll of the previous page) leaves the message for the page.
    background = await web.get("/login", headers={"HX-Request": "true"})
    assert "セッションの有効期限が切れました" not in background.text
    assert "set-cookie" not in background.headers  # nor writes back the session it was sent with
    page = await web.get(response.headers["location"])
    assert "セッションの有効期限が切れました" in page.text
    assert "セッションの有効期限が切れました" not in (await web.get("/login")).text  # shown once


async def test_tampered_session_cookie_is_ignored(web: httpx.AsyncClient) -> None:
    web.cookies.set("anken_session", "not-a-signed-value")
    response = await web.get("/home")
    assert response.status_code == 303


async def test_healthz_and_static_htmx(web: httpx.AsyncClient) -> None:
    assert (await web.get("/healthz")).json() == {"status": "ok"}
    htmx = await web.get("/static/htmx.min.js")
    assert htmx.status_code == 200 and "htmx" in htmx.text[:2000]


async def test_language_choice_outlives_the_session(web: httpx.AsyncClient) -> None:
    token = csrf_of((await web.get("/login")).text)
    await web.post("/language", data={"locale": "en", "back": "/login", "csrf_token": token})
    web.cookies.delete("anken_session")  # the session ends (logout, expiry); the language stays
    page = await web.get("/login")
    assert '<html lang="en">' in page.text


async def test_unknown_page_is_a_page_in_the_users_language(web: httpx.AsyncClient) -> None:
    response = await web.get("/no-such-page")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "このページは存在しません。" in response.text
