"""The data an end-to-end test needs, created through the APIs the way users would
(only the first admin is inserted with SQL: someone has to exist to create the others)."""

from __future__ import annotations

import asyncio
import io
import uuid
from dataclasses import dataclass, field

import asyncpg
import httpx
from argon2 import PasswordHasher

PASSWORD = "e2e-password-0123"


@dataclass
class Person:
    id: str
    email: str
    name: str
    role: str
    token: str = ""

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class World:
    projects_url: str
    reporting_url: str
    admin: Person
    director: Person
    manager: Person
    member: Person
    client_id: str = ""
    project_id: str = ""
    project_name: str = ""
    list_id: str = ""
    pipeline: dict = field(default_factory=dict)
    deal_id: str = ""


async def _insert_admin(dsn: str, email: str) -> str:
    user_id = uuid.uuid4()
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(
            "INSERT INTO projects.users (id, email, name, role, password_hash, locale) VALUES ($1, $2, $3, 'admin', $4, 'ja')",
            user_id, email, "E2E 管理者", PasswordHasher().hash(PASSWORD),
        )
    finally:
        await conn.close()
    return str(user_id)


def login(projects_url: str, person: Person) -> Person:
    response = httpx.post(f"{projects_url}/v1/auth/token", json={"email": person.email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    person.token = response.json()["access_token"]
    return person


def new_user(world: World, role: str, name: str, email: str) -> Person:
    """A staff user the world's admin creates through the API (password PASSWORD, Japanese), logged in."""
    created = ok(httpx.post(f"{world.projects_url}/v1/users", headers=world.admin.headers, timeout=30, json={
        "email": email, "name": name, "role": role, "password": PASSWORD, "locale": "ja"}))
    return login(world.projects_url, Person(created["id"], email, name, role))


def ok(response: httpx.Response) -> dict:
    assert response.status_code < 300, f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
    return response.json() if response.content else {}


def build_world(database_url: str, projects_url: str, reporting_url: str) -> World:
    run = uuid.uuid4().hex[:6]
    admin_email = f"admin-{run}@e2e.example.jp"
    admin = login(projects_url, Person(asyncio.run(_insert_admin(database_url, admin_email)), admin_email, "E2E 管理者", "admin"))
    api = httpx.Client(base_url=projects_url, headers=admin.headers, timeout=30)

    def user(role: str, name: str) -> Person:
        email = f"{role}-{run}@e2e.example.jp"
        body = ok(api.post("/v1/users", json={"email": email, "name": name, "role": role, "password": PASSWORD, "locale": "ja"}))
        return login(projects_url, Person(body["id"], email, name, role))

    world = World(projects_url, reporting_url, admin, user("director", "山田 ディレクター"),
                  user("manager", "佐藤 マネージャー"), user("member", "鈴木 メンバー"))
    world.client_id = ok(api.post("/v1/clients", json={"name": f"株式会社E2E商事 {run}", "industry": "SaaS"}))["id"]
    world.project_name = f"E2E新規開拓 {run}"
    project = ok(api.post("/v1/projects", json={
        "client_id": world.client_id, "name": world.project_name, "product": "勤怠管理クラウド",
        "director_id": world.director.id, "monthly_appointment_target": 20, "contracted_monthly_hours": 160,
        "qualification_fields": ["budget", "authority"],
    }))
    world.project_id = project["id"]
    checklist = ok(api.get(f"/v1/projects/{world.project_id}/kickoff-items"))
    for item in checklist["items"]:
        ok(api.patch(f"/v1/projects/{world.project_id}/kickoff-items/{item['key']}", json={"agreed": True, "value": "合意済み"}))
    for status in ("kickoff", "active"):
        ok(api.post(f"/v1/projects/{world.project_id}/transitions", json={"to": status}))
    ok(api.post(f"/v1/projects/{world.project_id}/assignments", json={"member_id": world.member.id, "planned_hours": 120}))
    ok(api.post(f"/v1/projects/{world.project_id}/scripts", json={
        "pattern": "A", "title": "基本トーク", "body": "お世話になっております。勤怠管理のご案内でお電話しました。"}))
    world.list_id = ok(api.post(f"/v1/projects/{world.project_id}/target-lists", json={"name": "首都圏製造業"}))["id"]
    rows = ["会社名,電話番号,業種,地域,優先度"] + [
        f"株式会社テスト{run}{i:02d},03-{5000 + i:04d}-{1000 + i:04d},製造業,東京都,{1 + i % 3}" for i in range(30)
    ]
    report = ok(api.post(f"/v1/target-lists/{world.list_id}/imports", data={"dry_run": "false"},
                         files={"file": ("targets.csv", io.BytesIO("\n".join(rows).encode()), "text/csv")}))
    assert report["created_count"] == 30, report
    manager_api = httpx.Client(base_url=projects_url, headers=world.manager.headers, timeout=30)
    world.pipeline = ok(manager_api.post("/v1/pipelines", json={"name": f"新規開拓 {run}", "stages": [
        {"name": "リード", "probability": 10, "aging_limit_days": 14, "exit_criteria": "初回商談の日程が確定している"},
        {"name": "提案", "probability": 50, "aging_limit_days": 21},
        {"name": "受注", "probability": 100, "is_won": True},
        {"name": "失注", "probability": 0, "is_lost": True},
    ]}))
    world.deal_id = ok(manager_api.post("/v1/deals", json={
        "name": "SFA導入(営業部50名)", "account_name": "株式会社サンプル商事", "amount": 3_600_000,
        "pipeline_id": world.pipeline["id"], "forecast_category": "pipeline"}))["id"]
    return world
