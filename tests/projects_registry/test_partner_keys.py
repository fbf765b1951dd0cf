"""Partner API keys against the real process: shown once, tenant isolation, scopes, revocation,
rate limiting, last_used_at, and introspection for other services."""

from __future__ import annotations

import asyncio

import httpx

from anken_common.auth_tokens import issue_service_token
from projects_registry.helpers import Actor, create_client, create_project, db_rows, make_user, serve_app, settings_from


async def _issue(client: httpx.AsyncClient, admin: Actor, client_id: str, scopes: list[str]) -> dict:
    response = await client.post("/v1/api-keys", json={"client_id": client_id, "name": "CRM連携", "scopes": scopes},
                                 headers=admin.headers)
    assert response.status_code == 201, response.text
    return response.json()


async def test_partner_key_sees_only_its_clients_projects(stack, app_client: httpx.AsyncClient, admin: Actor) -> None:
    service = stack.start("projects")
    mine, theirs = await create_client(app_client, admin), await create_client(app_client, admin)
    my_project = await create_project(app_client, admin, mine["id"])
    their_project = await create_project(app_client, admin, theirs["id"])
    async with httpx.AsyncClient(base_url=service.url, timeout=10) as http:
        created = await _issue(http, admin, mine["id"], ["read:projects", "read:kpis"])
        secret = created["secret"]
        assert secret.startswith(f"ak_{created['prefix']}_") and len(created["prefix"]) == 8
        stored = await db_rows(app_client, "SELECT secret_hash FROM projects.api_keys WHERE id = :id", id=created["id"])
        assert secret not in stored[0][0]
        listed = (await http.get("/v1/api-keys", params={"client_id": mine["id"]}, headers=admin.headers)).json()["items"]
        assert [k["id"] for k in listed] == [created["id"]] and "secret" not in listed[0]
        assert listed[0]["last_used_at"] is None

        partner = {"Authorization": f"Bearer {secret}"}
        projects = (await http.get("/v1/projects", headers=partner)).json()["items"]
        assert [p["id"] for p in projects] == [my_project["id"]]
        assert (await http.get(f"/v1/projects/{my_project['id']}", headers=partner)).status_code == 200
        other = await http.get(f"/v1/projects/{their_project['id']}", headers=partner)
        assert other.status_code == 404
        filtered = (await http.get("/v1/projects", params={"client_id": theirs["id"]}, headers=partner)).json()["items"]
        assert filtered == []
        # Staff-only resources are closed to keys.
        assert (await http.get("/v1/users", headers=partner)).status_code == 403
        assert (await http.patch(f"/v1/projects/{my_project['id']}", json={"product": "x"}, headers=partner)).status_code == 403
        used = (await http.get(f"/v1/api-keys/{created['id']}", headers=admin.headers)).json()
        assert used["last_used_at"] is not None

        wrong = {"Authorization": f"Bearer {secret[:-2]}xx"}
        assert (await http.get("/v1/projects", headers=wrong)).status_code == 401
        assert (await http.get("/v1/projects", headers={"Authorization": "Bearer ak_short"})).status_code == 401

        revoked = await http.delete(f"/v1/api-keys/{created['id']}", headers=admin.headers)
        assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
        gone = await http.get("/v1/projects", headers=partner)
        assert gone.status_code == 401 and gone.headers["www-authenticate"] == "Bearer"


async def test_missing_scope_is_403(app_client: httpx.AsyncClient, admin: Actor) -> None:
    mine = await create_client(app_client, admin)
    project = await create_project(app_client, admin, mine["id"])
    key = await _issue(app_client, admin, mine["id"], ["read:kpis"])
    partner = {"Authorization": f"Bearer {key['secret']}"}
    listed = await app_client.get("/v1/projects", headers=partner)
    assert listed.status_code == 403 and listed.json()["required_scope"] == "read:projects"
    assert (await app_client.get(f"/v1/projects/{project['id']}", headers=partner)).status_code == 403
    bad_scope = await app_client.post("/v1/api-keys", json={"client_id": mine["id"], "name": "x", "scopes": ["admin"]},
                                      headers=admin.headers)
    assert bad_scope.status_code == 422 and bad_scope.json()["errors"][0]["field"].startswith("scopes")
    director = await make_user(app_client, "director")
    assert (await app_client.post("/v1/api-keys", json={"client_id": mine["id"], "name": "x", "scopes": ["read:kpis"]},
                                  headers=director.headers)).status_code == 403


async def test_rate_limit_answers_429_with_retry_after(tight_client: httpx.AsyncClient, app_client: httpx.AsyncClient,
                                                       admin: Actor) -> None:
    mine = await create_client(app_client, admin)
    key = await _issue(app_client, admin, mine["id"], ["read:projects"])
    partner = {"Authorization": f"Bearer {key['secret']}"}
    statuses = [(await tight_client.get("/v1/projects", headers=partner)).status_code for _ in range(3)]
    assert statuses == [200, 200, 200]
    limited = await tight_client.get("/v1/projects", headers=partner)
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["retry-after"]) <= 50
    assert limited.headers["content-type"].startswith("application/problem+json")
    # Another key has its own bucket.
    other = await _issue(app_client, admin, mine["id"], ["read:projects"])
    assert (await tight_client.get("/v1/projects", headers={"Authorization": f"Bearer {other['secret']}"})).status_code == 200


async def test_introspect_is_for_services_only(app_client: httpx.AsyncClient, admin: Actor, service_env) -> None:
    mine = await create_client(app_client, admin)
    key = await _issue(app_client, admin, mine["id"], ["read:kpis", "read:projects"])
    service_token = issue_service_token(service_env["ANKEN_SECRET_KEY"], "reporting-api")
    svc = {"Authorization": f"Bearer {service_token}"}
    result = await app_client.post("/v1/auth/introspect", json={"token": key["secret"]}, headers=svc)
    assert result.status_code == 200
    assert result.json() == {"active": True, "kind": "api_key", "id": key["id"], "role": None,
                             "client_id": mine["id"], "scopes": ["read:kpis", "read:projects"], "ver": None, "exp": None}
    user_token = admin.headers["Authorization"].split(" ", 1)[1]
    user = (await app_client.post("/v1/auth/introspect", json={"token": user_token}, headers=svc)).json()
    assert (user["active"], user["kind"], user["id"], user["role"]) == (True, "user", admin.id, "admin")
    assert (await app_client.post("/v1/auth/introspect", json={"token": "nonsense"}, headers=svc)).json() == {
        "active": False, "kind": None, "id": None, "role": None, "client_id": None, "scopes": [], "ver": None, "exp": None}
    await app_client.delete(f"/v1/api-keys/{key['id']}", headers=admin.headers)
    assert (await app_client.post("/v1/auth/introspect", json={"token": key["secret"]}, headers=svc)).json()["active"] is False
    denied = await app_client.post("/v1/auth/introspect", json={"token": key["secret"]}, headers=admin.headers)
    assert denied.status_code == 403


async def test_concurrent_requests_of_one_key_all_authenticate(app_client: httpx.AsyncClient, admin: Actor) -> None:
    mine = await create_client(app_client, admin)
    key = await _issue(app_client, admin, mine["id"], ["read:projects"])
    partner = {"Authorization": f"Bearer {key['secret']}"}
    responses = await asyncio.gather(*[app_client.get("/v1/projects", headers=partner) for _ in range(10)])
    assert [r.status_code for r in responses] == [200] * 10


async def test_partner_api_keeps_working_while_redis_is_down(service_env, app_client: httpx.AsyncClient, admin: Actor) -> None:
    mine = await create_client(app_client, admin)
    key = await _issue(app_client, admin, mine["id"], ["read:projects"])
    # Port 9 (discard) refuses connections: the rate limiter is unavailable, authentication is not.
    async for down in serve_app(settings_from(service_env, redis_url="redis://127.0.0.1:9/0")):
        response = await down.get("/v1/projects", headers={"Authorization": f"Bearer {key['secret']}"})
        assert response.status_code == 200
