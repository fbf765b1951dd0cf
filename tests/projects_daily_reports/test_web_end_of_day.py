"""The calling screen's 日報 form, in-process web against a real projects-api process."""

from __future__ import annotations

import re
import uuid

import asyncpg
import httpx
from argon2 import PasswordHasher
from asgi_lifespan import LifespanManager
from web.conftest import web_settings

from anken_web.main import create_app

PASSWORD = "daily-report-password-1"


async def insert_user(dsn: str, role: str) -> tuple[str, str]:
    user_id, email = uuid.uuid4(), f"{role}-{uuid.uuid4().hex[:8]}@daily.example.jp"
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO projects.users (id, email, name, role, password_hash, locale) VALUES ($1, $2, $3, $4, $5, 'ja')",
            user_id, email, f"日報 {role}", role, PasswordHasher().hash(PASSWORD),
        )
    finally:
        await conn.close()
    return str(user_id), email


async def api_token(api: httpx.AsyncClient, email: str) -> dict[str, str]:
    response = await api.post("/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_member_sends_the_daily_report_from_the_calling_screen(stack, service_env) -> None:
    stack.start("projects")
    dsn = service_env["DATABASE_URL"]
    _, admin_email = await insert_user(dsn, "admin")
    director_id, director_email = await insert_user(dsn, "director")
    member_id, member_email = await insert_user(dsn, "member")
    async with httpx.AsyncClient(base_url=stack.url("projects")) as api:
        admin, director = await api_token(api, admin_email), await api_token(api, director_email)
        client = (await api.post("/v1/clients", json={"name": f"株式会社日報 {uuid.uuid4().hex[:6]}"}, headers=admin)).json()
        project = (await api.post("/v1/projects", json={"client_id": client["id"], "name": "日報案件",
                                                       "director_id": director_id,
                                                       "monthly_appointment_target": 10}, headers=admin)).json()
        assigned = await api.post(f"/v1/projects/{project['id']}/assignments", json={"member_id": member_id},
                                  headers=director)
        assert assigned.status_code == 201, assigned.text

        app = create_app(web_settings({**service_env, "PROJECTS_API_URL": stack.url("projects")}))
        async with LifespanManager(app), httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://web.test"
        ) as web:
            login = await web.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)
            signed_in = await web.post("/login", data={"email": member_email, "password": PASSWORD, "csrf_token": token})
            assert signed_in.status_code == 303
            screen = await web.get(f"/calling/{project['id']}")
            assert screen.status_code == 200
            for label in ("本日のサマリー", "良い反応", "断り文句・課題", "明日のアクション"):
                assert label in screen.text
            token = re.search(r'name="csrf_token" value="([^"]+)"', screen.text).group(1)
            sent = await web.post(f"/calling/{project['id']}/end-of-day", data={
                "csrf_token": token, "hours": "7.5", "summary": "架電80件、アポ1件", "good_reactions": "物流業の反応が良い",
                "objections": "予算がない", "next_actions": "物流業リストから架電",
            }, headers={"HX-Request": "true"})
            assert sent.status_code == 200, sent.text
            assert "日報を保存しました。" in sent.text, sent.text

        reports = (await api.get(f"/v1/projects/{project['id']}/daily-reports", headers=director)).json()["items"]
        assert [(r["member_id"], r["hours"], r["summary"], r["next_actions"]) for r in reports] == [
            (member_id, 7.5, "架電80件、アポ1件", "物流業リストから架電")
        ]
        hours = (await api.get(f"/v1/projects/{project['id']}/worked-hours", headers=director)).json()["items"]
        assert [h["hours"] for h in hours] == [7.5]
