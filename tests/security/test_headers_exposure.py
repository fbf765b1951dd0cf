"""/docs, /redoc, /openapi.json and /metrics in production (issue 13): the docs are off by default,
and /metrics is served only behind METRICS_TOKEN (or when explicitly exposed), in every service."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from projects_registry.helpers import settings_from
from pydantic import ValidationError
from reporting_reports.conftest import reporting_settings
from web.conftest import web_settings

from anken_common.exposure import ExposureSettings
from anken_projects.main import create_app as projects_app
from anken_reporting.main import create_app as reporting_app
from anken_web.main import create_app as web_app
from anken_worker.main import create_app as worker_app
from anken_worker.settings import WorkerSettings

DOCS = ("/docs", "/redoc", "/openapi.json")


def worker_settings(env: dict[str, str]) -> WorkerSettings:
    return WorkerSettings(database_url=env["DATABASE_URL"], redis_url=env["REDIS_URL"],
                          redis_namespace=env["REDIS_NAMESPACE"], anken_secret_key=env["ANKEN_SECRET_KEY"],
                          anken_encryption_key=env["ANKEN_ENCRYPTION_KEY"])


# Per service: its settings from the test environment, and its app factory.
FACTORIES: dict[str, tuple[Callable[[dict[str, str]], Any], Callable[[Any], FastAPI]]] = {
    "projects-api": (settings_from, projects_app),
    "reporting-api": (reporting_settings, reporting_app),
    "worker": (worker_settings, lambda settings: worker_app(settings, background=False)),
    "web": (web_settings, web_app),
}


async def statuses(app: FastAPI, paths: tuple[str, ...], headers: dict[str, str] | None = None) -> dict[str, int]:
    # No lifespan: none of these paths touches the database or Redis.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc.test") as client:
        return {path: (await client.get(path, headers=headers)).status_code for path in paths}


def build(service: str, service_env: dict[str, str], monkeypatch, **exposure_env: str) -> FastAPI:
    """The service's app built while the process environment says production (the service's own
    settings are made first, as a test deployment's)."""
    make_settings, make_app = FACTORIES[service]
    settings = make_settings(service_env)
    for name in ("EXPOSE_DOCS", "EXPOSE_METRICS", "METRICS_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ANKEN_ENV", "production")
    for name, value in exposure_env.items():
        monkeypatch.setenv(name, value)
    return make_app(settings)


@pytest.mark.parametrize("service", list(FACTORIES))
async def test_production_serves_no_docs_and_no_unprotected_metrics(service, service_env, monkeypatch):
    app = build(service, service_env, monkeypatch)
    assert await statuses(app, (*DOCS, "/metrics")) == {path: 404 for path in (*DOCS, "/metrics")}
    assert (await statuses(app, ("/healthz",)))["/healthz"] == 200


@pytest.mark.parametrize("service", list(FACTORIES))
async def test_metrics_token_protects_metrics(service, service_env, monkeypatch):
    token = secrets.token_urlsafe(32)
    app = build(service, service_env, monkeypatch, METRICS_TOKEN=token)
    assert await statuses(app, ("/metrics",)) == {"/metrics": 401}
    assert await statuses(app, ("/metrics",), {"Authorization": "Bearer " + token[:-1]}) == {"/metrics": 401}
    assert await statuses(app, ("/metrics",), {"Authorization": f"Bearer {token}"}) == {"/metrics": 200}
    assert set((await statuses(app, DOCS)).values()) == {404}


async def test_docs_and_metrics_can_be_asked_for_or_turned_off(service_env, monkeypatch):
    app = build("reporting-api", service_env, monkeypatch, EXPOSE_DOCS="true", EXPOSE_METRICS="true")
    assert set((await statuses(app, (*DOCS, "/metrics"))).values()) == {200}
    settings = reporting_settings(service_env)
    monkeypatch.setenv("ANKEN_ENV", "development")
    monkeypatch.setenv("EXPOSE_DOCS", "false")
    monkeypatch.setenv("EXPOSE_METRICS", "false")
    app = reporting_app(settings)
    assert set((await statuses(app, (*DOCS, "/metrics"))).values()) == {404}


def test_a_weak_metrics_token_is_refused_in_production():
    with pytest.raises(ValidationError, match="metrics_token"):
        ExposureSettings(anken_env="production", metrics_token="metrics")
    assert ExposureSettings(anken_env="development", metrics_token="metrics").metrics_token == "metrics"
