"""projects-api in process (LifespanManager + ASGITransport) against the session's real database,
with users of every role created directly and tokens issued with the shared secret."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from asgi_lifespan import LifespanManager

from anken_common.auth_tokens import Role, issue_user_token
from anken_projects.auth.passwords import hash_password
from anken_projects.main import create_app
from anken_projects.settings import ProjectsSettings
from anken_projects.users.models import User


@dataclass
class Actor:
    id: uuid.UUID
    role: Role
    headers: dict[str, str]


def make_settings(service_env: dict[str, str], **overrides) -> ProjectsSettings:
    return ProjectsSettings(
        database_url=service_env["DATABASE_URL"], redis_url=service_env["REDIS_URL"],
        redis_namespace=service_env["REDIS_NAMESPACE"], anken_secret_key=service_env["ANKEN_SECRET_KEY"],
        anken_env="test", outbox_relay_enabled=False, **overrides,
    )


@pytest.fixture(scope="session")
def deals_settings(service_env: dict[str, str]) -> ProjectsSettings:
    return make_settings(service_env)


@pytest.fixture(scope="session")
async def app(deals_settings: ProjectsSettings) -> AsyncIterator:
    application = create_app(deals_settings)
    async with LifespanManager(application):
        yield application


@pytest.fixture(scope="session")
async def api(app) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://projects.test") as client:
        yield client


@pytest.fixture(scope="session")
def resources(app):
    return app.state.resources


async def create_user(resources, role: Role, *, password: str | None = None, email: str | None = None) -> Actor:
    user = User(email=email or f"{role.value}-{uuid.uuid4().hex[:8]}@deals.test", name=f"テスト{role.value}",
                role=role, password_hash=hash_password(password) if password else None)
    async with resources.sessionmaker() as session, session.begin():
        session.add(user)
    token = issue_user_token(resources.settings.anken_secret_key, str(user.id), role)
    return Actor(user.id, role, {"Authorization": f"Bearer {token}"})


@pytest.fixture(scope="session")
async def actors(resources) -> dict[str, Actor]:
    return {
        "admin": await create_user(resources, Role.admin),
        "manager": await create_user(resources, Role.manager),
        "director": await create_user(resources, Role.director),
        "director2": await create_user(resources, Role.director),
        "member": await create_user(resources, Role.member),
    }


@pytest.fixture(scope="session")
async def default_pipeline(api: httpx.AsyncClient, actors) -> dict:
    response = await api.get("/v1/pipelines", headers=actors["manager"].headers)
    assert response.status_code == 200, response.text
    return next(p for p in response.json()["items"] if p["is_default"])
