"""In-process projects-api for registry tests, plus helpers to create users and log in."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from asgi_lifespan import LifespanManager

from anken_projects.auth.passwords import hash_password
from anken_projects.main import create_app
from anken_projects.settings import ProjectsSettings
from anken_projects.users.models import User

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def registry_settings(service_env: dict[str, str]) -> ProjectsSettings:
    return ProjectsSettings(
        database_url=service_env["DATABASE_URL"], redis_url=service_env["REDIS_URL"],
        redis_namespace=service_env["REDIS_NAMESPACE"], anken_secret_key=service_env["ANKEN_SECRET_KEY"],
        outbox_relay_enabled=False, api_key_rate_capacity=1000, api_key_rate_per_s=1000.0,
    )


@pytest.fixture(scope="session")
async def app_client(registry_settings: ProjectsSettings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(registry_settings)
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


@pytest.fixture(scope="session")
async def admin(app_client: httpx.AsyncClient) -> Actor:
    return await make_user(app_client, "admin")
