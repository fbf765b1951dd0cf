"""The access suite's world: projects-api and reporting-api in process, the worker as a process, and
two clients A and B, each with its own director, so that B's director can try A's resources.

Users are written to projects-api's database (reusing the call-floor builder) and hold real tokens;
the worker learns the projects from the same events projects-api emits (project.created).
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from asgi_lifespan import LifespanManager
from projects_calls.call_floor_fixtures import Floor, build_floor, make_settings
from reporting_pipeline.conftest import reporting_settings

from anken_common.auth_tokens import issue_user_token
from anken_projects.main import create_app as create_projects_app
from anken_reporting.main import create_app as create_reporting_app

__all__ = ["Floor", "Tenants", "build_floor", "user_headers"]


def user_headers(service_env: dict[str, str], role: str, user_id: uuid.UUID | str | None = None) -> dict[str, str]:
    token = issue_user_token(service_env["ANKEN_SECRET_KEY"], str(user_id or uuid.uuid4()), role)
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Tenants:
    """Client A (the target) and client B (whose director attacks A)."""

    a: Floor
    b: Floor


@pytest.fixture(scope="session", name="projects_app")
async def projects_app_fixture(service_env: dict[str, str]):
    application = create_projects_app(make_settings(service_env))
    async with LifespanManager(application):
        yield application


@pytest.fixture(scope="session", name="projects_api")
async def projects_api_fixture(projects_app) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=projects_app), base_url="http://projects.test",
                                 timeout=60) as client:
        yield client


@pytest.fixture(name="tenants")
async def tenants_fixture(projects_app) -> Tenants:
    resources = projects_app.state.resources
    return Tenants(a=await build_floor(resources, targets=3), b=await build_floor(resources, targets=3))


@pytest.fixture(scope="session", name="reporting_api")
async def reporting_api_fixture(service_env: dict[str, str]) -> AsyncIterator[tuple[httpx.AsyncClient, object]]:
    application = create_reporting_app(reporting_settings(service_env))
    async with LifespanManager(application), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=application), base_url="http://reporting.test"
    ) as client:
        yield client, application.state.resources
