"""The sessions suite's world: projects-api as a real process of its own (with the user-status check
on, as in production), and reporting-api and the worker API in process, pointed at it over HTTP.

Users are written to projects-api's database and log in through the process, so every token here
is a real one; an admin changes them through the API, as an attacker's victim would be changed.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI
from projects_calls.call_floor_fixtures import make_settings
from projects_registry.helpers import PASSWORD
from reporting_kpis.conftest import reporting_settings

from anken_projects.auth.passwords import hash_password
from anken_projects.db import Resources as ProjectsResources
from anken_projects.users.models import User
from anken_reporting.main import create_app as create_reporting_app
from anken_worker.main import create_app as create_worker_app
from anken_worker.settings import WorkerSettings
from harness.processes import Stack

# anken_common.user_status.TTL_S, plus what one round of requests may take on a busy machine.
REVOCATION_BOUND_S = 5.0
SLACK_S = 1.5


@dataclass
class Services:
    projects: httpx.AsyncClient  # the real projects-api process
    reporting: httpx.AsyncClient
    reporting_app: FastAPI
    worker: httpx.AsyncClient
    users: ProjectsResources
    env: dict[str, str]
    admin: dict[str, str]

    async def user(self, role: str) -> tuple[uuid.UUID, str, dict[str, str]]:
        """A new user of `role`, logged in: (id, email, headers)."""
        email = f"{role}-{uuid.uuid4().hex[:10]}@sessions.example.jp"
        async with self.users.sessionmaker() as session, session.begin():
            user = User(email=email, name=f"セッション {role}", role=role, password_hash=hash_password(PASSWORD))
            session.add(user)
        return user.id, email, await self.log_in(email)

    async def log_in(self, email: str, password: str = PASSWORD) -> dict[str, str]:
        response = await self.projects.post("/v1/auth/token", json={"email": email, "password": password})
        assert response.status_code == 200, response.text
        return {"Authorization": f"Bearer {response.json()['access_token']}"}

    async def statuses(self, headers: dict[str, str]) -> dict[str, int]:
        """What each service answers the bearer of `headers` (an endpoint each that a director may use)."""
        projects, reporting, worker = await asyncio.gather(
            self.projects.get("/v1/auth/me", headers=headers),
            self.reporting.get("/v1/portfolio", headers=headers),
            self.worker.get("/v1/deliveries", headers=headers),
        )
        return {"projects": projects.status_code, "reporting": reporting.status_code, "worker": worker.status_code}


async def refused_everywhere_within(services: Services, headers: dict[str, str], since: float) -> float:
    """Poll until all three services answer 401; the seconds it took since `since`, or fail."""
    deadline = since + REVOCATION_BOUND_S + SLACK_S
    last: dict[str, int] = {}
    while time.monotonic() < deadline:
        last = await services.statuses(headers)
        if set(last.values()) == {401}:
            return time.monotonic() - since
        await asyncio.sleep(0.25)
    raise AssertionError(f"still not refused everywhere {REVOCATION_BOUND_S + SLACK_S:.1f} s later: {last}")


async def eventually(check: Callable[[], Awaitable[bool]], within_s: float) -> bool:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if await check():
            return True
        await asyncio.sleep(0.25)
    return False


@pytest.fixture(scope="session", name="sessions_world")
async def sessions_world_fixture(infra, service_env: dict[str, str]) -> AsyncIterator[Services]:
    # A stack of our own: the shared one may already run projects-api with other settings.
    own = Stack(infra, {**service_env, "USER_STATUS_CHECK": "1", "OUTBOX_RELAY_ENABLED": "0"})
    try:
        projects_url = own.start("projects").url
        reporting_app = create_reporting_app(
            reporting_settings(service_env, user_status_check=True, projects_api_url=projects_url))
        env = {k.lower(): v for k, v in service_env.items() if k.isupper()}
        worker_app = create_worker_app(
            WorkerSettings(**{**env, "user_status_check": True, "projects_api_url": projects_url}), background=False)
        users = ProjectsResources(make_settings(service_env))
        async with (
            LifespanManager(reporting_app), LifespanManager(worker_app),
            httpx.AsyncClient(base_url=projects_url, timeout=30) as projects,
            httpx.AsyncClient(transport=httpx.ASGITransport(app=reporting_app), base_url="http://reporting.test",
                              timeout=30) as reporting,
            httpx.AsyncClient(transport=httpx.ASGITransport(app=worker_app), base_url="http://worker.test",
                              timeout=30) as worker,
        ):
            world = Services(projects, reporting, reporting_app, worker, users, service_env, {})
            _, _, world.admin = await world.user("admin")
            try:
                yield world
            finally:
                await users.close()
    finally:
        own.stop_all()
