"""Partner API keys: an optional expiry (an expired key is a 401 like a revoked one, in projects-api
and reporting-api); a malformed `ak_` key is refused without asking projects-api, unknown keys are
remembered briefly, one HTTP client serves every introspection; reporting-api rate-limits keys too.

Before the fix keys could not expire, reporting-api built an HTTP client and asked projects-api for
every unknown key of any shape, and a partner could render reports (CPU) without any budget.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from asgi_lifespan import LifespanManager
from reporting_kpis.conftest import reporting_settings

from anken_common.auth_tokens import issue_service_token
from anken_reporting.main import create_app as create_reporting_app

from .sessions_support import Services, sessions_world_fixture  # noqa: F401 (fixture)

VALID_TAIL = "A" * 21 + "b" * 21 + "-"  # 43 URL-safe characters


async def issue_key(world: Services, expires_at: datetime | None = None) -> dict:
    client = await world.projects.post("/v1/clients", json={"name": f"株式会社キー {uuid.uuid4().hex[:6]}"},
                                       headers=world.admin)
    assert client.status_code == 201, client.text
    body = {"client_id": client.json()["id"], "name": "CRM連携", "scopes": ["read:projects", "read:kpis"]}
    if expires_at is not None:
        body["expires_at"] = expires_at.isoformat()
    created = await world.projects.post("/v1/api-keys", json=body, headers=world.admin)
    assert created.status_code == 201, created.text
    return created.json()


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


async def test_an_expired_key_is_refused_like_a_revoked_one(sessions_world: Services) -> None:
    world = sessions_world
    expires = datetime.now(UTC) + timedelta(seconds=3)
    key = await issue_key(world, expires)
    assert key["expires_at"] is not None
    kpis = f"/v1/projects/{uuid.uuid4()}/kpis?from=2026-11-01&to=2026-12-01"
    assert (await world.projects.get("/v1/projects", headers=bearer(key["secret"]))).status_code == 200
    assert (await world.reporting.get(kpis, headers=bearer(key["secret"]))).status_code == 404  # known key, no project
    await asyncio.sleep(max(0.0, (expires - datetime.now(UTC)).total_seconds()) + 0.5)
    refused = await world.projects.get("/v1/projects", headers=bearer(key["secret"]))
    assert refused.status_code == 401 and "expired" in refused.json()["detail"]
    # reporting-api had the key cached as valid: the cache never outlives the key's expiry.
    assert (await world.reporting.get(kpis, headers=bearer(key["secret"]))).status_code == 401
    service = bearer(issue_service_token(world.env["ANKEN_SECRET_KEY"], "reporting-api"))
    answer = await world.projects.post("/v1/auth/introspect", json={"token": key["secret"]}, headers=service)
    assert answer.json()["active"] is False
    listed = await world.projects.get(f"/v1/api-keys/{key['id']}", headers=world.admin)
    assert listed.json()["expires_at"] is not None


async def test_an_expiry_in_the_past_is_a_422_naming_the_field(sessions_world: Services) -> None:
    world = sessions_world
    client = await world.projects.post("/v1/clients", json={"name": f"株式会社過去 {uuid.uuid4().hex[:6]}"},
                                       headers=world.admin)
    body = {"client_id": client.json()["id"], "name": "old", "scopes": ["read:kpis"],
            "expires_at": (datetime.now(UTC) - timedelta(days=1)).isoformat()}
    response = await world.projects.post("/v1/api-keys", json=body, headers=world.admin)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "expires_at"


async def test_a_malformed_key_is_refused_without_asking_projects_api(sessions_world: Services) -> None:
    world = sessions_world
    introspection = world.reporting_app.state.resources.introspection
    malformed = [
        "ak_", "ak_x", "ak_0123abcd", "ak_0123abcd_short", f"ak_0123ABCD_{VALID_TAIL}", f"ak_0123abcz_{VALID_TAIL}",
        f"ak_0123abcd_{VALID_TAIL}x", f"ak_0123abcd_{VALID_TAIL[:-1]}!", "ak_" + "a" * 4000,
    ]
    before = introspection.calls
    for token in malformed:
        response = await world.reporting.get("/v1/portfolio", headers=bearer(token))
        assert response.status_code == 401, token
    assert introspection.calls == before
    # A well-formed unknown key is asked about once, then remembered briefly; one client serves all.
    unknown = f"ak_{uuid.uuid4().hex[:8]}_{VALID_TAIL}"
    client = introspection.client
    for _ in range(3):
        assert (await world.reporting.get("/v1/portfolio", headers=bearer(unknown))).status_code == 401
    assert introspection.calls == before + 1
    assert introspection.client is client


async def test_reporting_api_answers_429_to_a_key_past_its_budget(sessions_world: Services, service_env) -> None:
    world = sessions_world
    key = await issue_key(world)
    settings = reporting_settings(service_env, user_status_check=True, projects_api_url=str(world.projects.base_url),
                                  api_key_rate_capacity=2, api_key_rate_per_s=0.02)
    app = create_reporting_app(settings)
    async with LifespanManager(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                       base_url="http://reporting.test") as reporting:
        kpis = f"/v1/projects/{uuid.uuid4()}/kpis?from=2026-11-01&to=2026-12-01"
        answers = [(await reporting.get(kpis, headers=bearer(key["secret"]))) for _ in range(3)]
    assert [a.status_code for a in answers] == [404, 404, 429]
    limited = answers[-1]
    assert 1 <= int(limited.headers["retry-after"]) <= 50
    assert limited.headers["content-type"].startswith("application/problem+json")


async def test_projects_api_refuses_a_malformed_key_before_touching_the_database(service_env) -> None:
    from projects_registry.helpers import serve_app, settings_from

    async for projects in serve_app(settings_from(service_env)):
        resources = projects.app.state.resources  # type: ignore[attr-defined]
        lookups: list[int] = []
        resources.sessionmaker = _counting(resources.sessionmaker, lookups)
        for token in ("ak_", "ak_0123abcd_short", f"ak_0123ABCD_{VALID_TAIL}", "ak_" + "a" * 4000):
            response = await projects.get("/v1/projects", headers=bearer(token))
            assert response.status_code == 401 and "malformed" in response.json()["detail"], token
        assert lookups == []
        unknown = await projects.get("/v1/projects", headers=bearer(f"ak_{uuid.uuid4().hex[:8]}_{VALID_TAIL}"))
        assert unknown.status_code == 401 and lookups == [1]  # a well-formed key is looked up


def _counting(sessionmaker, calls: list[int]):
    """`sessionmaker`, noting each session opened (each is a database round trip)."""

    def opened(*args, **kwargs):
        calls.append(1)
        return sessionmaker(*args, **kwargs)

    return opened
