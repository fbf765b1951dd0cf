"""Helpers for registry tests: users written straight to the database, then logged in; API shortcuts."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
from asgi_lifespan import LifespanManager
from sqlalchemy import text

from anken_projects.auth.passwords import hash_password
from anken_projects.main import create_app
from anken_projects.settings import ProjectsSettings
from anken_projects.users.models import User

PASSWORD = "correct horse battery"


def settings_from(service_env: dict[str, str], **overrides) -> ProjectsSettings:
    values = dict(
        database_url=service_env["DATABASE_URL"], redis_url=service_env["REDIS_URL"],
        redis_namespace=service_env["REDIS_NAMESPACE"], anken_secret_key=service_env["ANKEN_SECRET_KEY"],
        outbox_relay_enabled=False, api_key_rate_capacity=1000, api_key_rate_per_s=1000.0,
    )
    values.update(overrides)
    return ProjectsSettings(**values)


async def serve_app(settings: ProjectsSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://projects.test") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


@dataclass
class Actor:
    id: str
    email: str
    role: str
    headers: dict[str, str]


async def make_user(client: httpx.AsyncClient, role: str, name: str | None = None) -> Actor:
    """A user written straight to the database (bootstraps the first admin), then logged in."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.jp"
    resources = client.app.state.resources  # type: ignore[attr-defined]
    async with resources.sessionmaker() as session, session.begin():
        user = User(email=email, name=name or f"{role} user", role=role, password_hash=hash_password(PASSWORD))
        session.add(user)
    response = await client.post("/v1/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    return Actor(id=str(user.id), email=email, role=role, headers={"Authorization": f"Bearer {token}"})


async def create_client(client: httpx.AsyncClient, admin: Actor, name: str = "株式会社テスト") -> dict:
    response = await client.post("/v1/clients", json={"name": f"{name} {uuid.uuid4().hex[:6]}"}, headers=admin.headers)
    assert response.status_code == 201, response.text
    _client_admins[response.json()["id"]] = admin
    return response.json()


# Who created each client: a client's first project for a director is opened by an admin (a director may
# open projects only for clients they already direct one of).
_client_admins: dict[str, Actor] = {}


async def create_project(client: httpx.AsyncClient, actor: Actor, client_id: str, **fields) -> dict:
    body = {"client_id": client_id, "name": f"案件 {uuid.uuid4().hex[:6]}", "monthly_appointment_target": 20, **fields}
    headers = actor.headers
    if actor.role == "director" and client_id in _client_admins:
        body.setdefault("director_id", actor.id)
        headers = _client_admins[client_id].headers
    response = await client.post("/v1/projects", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


async def directed_client(client: httpx.AsyncClient, admin: Actor) -> tuple[Actor, dict]:
    """A new director and a new client with one project that director runs."""
    director = await make_user(client, "director")
    created = await create_client(client, admin)
    await create_project(client, director, created["id"])
    return director, created


async def db_rows(client: httpx.AsyncClient, sql: str, **params) -> list:
    resources = client.app.state.resources  # type: ignore[attr-defined]
    async with resources.engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).all())
