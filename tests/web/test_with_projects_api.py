"""The web in-process against a real projects-api process: login, role-aware navigation,
CSRF on HTMX requests, an API that is down, and the Secure cookie in production."""

from __future__ import annotations

import re
import uuid

import asyncpg
import httpx
import pytest
from argon2 import PasswordHasher
from asgi_lifespan import LifespanManager

from anken_web.main import create_app
from web.conftest import web_settings

PASSWORD = "web-test-password-1"


async def insert_user(dsn: str, role: str) -> str:
    email = f"{role}-{uuid.uuid4().hex[:8]}@web.example.jp"
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO projects.users (id, email, name, role, password_hash, locale) VALUES ($1, $2, $3, $4, $5, 'ja')",
            uuid.uuid4(), email, f"テスト {role}", role, PasswordHasher().hash(PASSWORD),
        )
    finally:
        await conn.close()
    return email


@pytest.fixture
async def live_web(stack, service_env):
    stack.start("projects")
    app = create_app(web_settings({**service_env, "PROJECTS_API_URL": stack.url("projects")}))
    async with LifespanManager(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://web.test"
    ) as client:
        yield client


async def log_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    page = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return await client.post("/login", data={"email": email, "password": password, "csrf_token": token})


async def test_member_logs_in_and_sees_only_the_calling_screen(live_web, service_env) -> None:
    email = await insert_user(service_env["DATABASE_URL"], "member")
    response = await log_in(live_web, email)
    assert response.status_code == 303 and response.headers["location"] == "/calling"
    page = await live_web.get("/calling")
    nav = re.search(r"<nav aria-label=.*?</nav>", page.text, re.S).group(0)
    assert ">架電<" in nav
    assert "ポートフォリオ" not in nav and "APIキー" not in nav
    forbidden = await live_web.get("/admin/users")
    assert forbidden.status_code == 403
    assert "このページはあなたのロールでは利用できません" in forbidden.text


async def test_wrong_password_is_a_sentence_and_a_401(live_web, service_env) -> None:
    email = await insert_user(service_env["DATABASE_URL"], "director")
    response = await log_in(live_web, email, "wrong-password-123")
    assert response.status_code == 401
    assert "メールアドレスまたはパスワードが正しくありません。" in response.text


async def test_login_renews_the_csrf_token_and_htmx_requests_need_it(live_web, service_env) -> None:
    email = await insert_user(service_env["DATABASE_URL"], "admin")
    before = re.search(r'name="csrf_token" value="([^"]+)"', (await live_web.get("/login")).text).group(1)
    await log_in(live_web, email)
    page = await live_web.get("/admin/users")
    after = re.search(r'"X-CSRF-Token": "([^"]+)"', page.text).group(1)
    assert after != before
    stale = await live_web.post("/logout", headers={"HX-Request": "true", "X-CSRF-Token": before})
    assert "フォームの有効期限が切れました" in stale.text
    logout = await live_web.post("/logout", headers={"HX-Request": "true", "X-CSRF-Token": after})
    assert logout.status_code == 204 and logout.headers["HX-Redirect"] == "/login"


async def test_api_down_is_a_human_sentence_not_a_stack_trace(stack, service_env) -> None:
    stack.start("projects")
    email = await insert_user(service_env["DATABASE_URL"], "admin")
    settings = web_settings({**service_env, "PROJECTS_API_URL": stack.url("projects")})
    app = create_app(settings)
    async with LifespanManager(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://w") as web:
        await log_in(web, email)
        # Point the pooled client at a port nobody listens on, as if projects-api went down.
        app.state.api.clients["projects"].base_url = httpx.URL("http://127.0.0.1:9")
        response = await web.get("/admin/users")
        assert response.status_code == 503
        assert "サービスが応答していません" in response.text
        assert "Traceback" not in response.text
        ready = await web.get("/readyz")
        assert ready.status_code == 503 and "projects-api" in ready.json()["failing"]


async def test_session_cookie_is_secure_in_production(service_env) -> None:
    # Production takes a cookie key of its own (no master secret) and a Redis with a password.
    settings = web_settings(service_env, anken_env="production", web_session_key="Xq3vN8pL2sK9wR4tY7uB1cE5hJ0mA6dF-gZ_iOoPq2w",
                            redis_url=service_env["REDIS_URL"].replace("redis://", "redis://:unused-password@", 1))
    app = create_app(settings)
    async with LifespanManager(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://w") as web:
        cookie = (await web.get("/login")).headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie



async def test_token_refused_by_the_api_ends_the_session_with_a_message(live_web) -> None:
    import time
    from dataclasses import asdict

    from anken_web.session import Session

    codec = live_web._transport.app.state.sessions  # type: ignore[attr-defined]
    revoked = Session(token="not-a-valid-token", expires_at=time.time() + 3600,
                      user={"id": str(uuid.uuid4()), "role": "admin", "name": "A"})
    live_web.cookies.set("anken_session", codec.serializer.dumps(asdict(revoked)))
    response = await live_web.get("/admin/users")
    assert response.status_code == 303 and response.headers["location"] == "/login?next=%2Fadmin%2Fusers"
    page = await live_web.get(response.headers["location"])
    assert "セッションの有効期限が切れました" in page.text


async def test_a_members_language_follows_them_to_another_browser(live_web, service_env) -> None:
    email = await insert_user(service_env["DATABASE_URL"], "member")
    await log_in(live_web, email)
    page = await live_web.get("/calling")
    token = re.search(r'"X-CSRF-Token": "([^"]+)"', page.text).group(1)
    switched = await live_web.post("/language", data={"locale": "en", "back": "/calling", "csrf_token": token})
    assert switched.status_code == 303
    # Another browser: no session, no language cookie; the login starts in the member's language.
    live_web.cookies.clear()
    await log_in(live_web, email)
    assert '<html lang="en">' in (await live_web.get("/calling")).text
