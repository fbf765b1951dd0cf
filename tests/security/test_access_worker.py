"""Worker API under the one access rule: a director manages only the clients whose projects they direct.

Before the fix any director could register a webhook for any client (and so receive its appointments),
change any client's integration settings and read every client's delivery log.
"""

from __future__ import annotations

import json
import uuid

import asyncpg
import httpx
import pytest
import redis.asyncio as aioredis
from worker.worker_support import WORKER_ENV, Events, publish, wait_until

from .access_support import user_headers


@pytest.fixture(scope="module")
def sandbox(stack):
    return stack.start("sandbox")


@pytest.fixture(scope="module")
def worker(stack, sandbox):
    return stack.start("worker", extra_env=WORKER_ENV)


async def _insert_delivery(database_url: str, client_id: uuid.UUID, project_id: uuid.UUID | None) -> uuid.UUID:
    conn = await asyncpg.connect(database_url)
    try:
        delivery_id = uuid.uuid4()
        await conn.execute(
            "INSERT INTO integrations.deliveries (id, idempotency_key, integration, action, target, order_key,"
            " project_id, client_id, payload, payload_hash, status, attempts, progress, next_attempt_at, created_at,"
            " updated_at) VALUES ($1, $2, 'webhook', 'webhook.send', 'https://partner.example.jp/hook', $3, $4, $5,"
            " $6::jsonb, 'x', 'dead', 3, '{}'::jsonb, now(), now(), now())",
            delivery_id, f"access-test:{delivery_id}", f"webhook:{delivery_id}", project_id, client_id,
            json.dumps({"body": "{}"}),
        )
        return delivery_id
    finally:
        await conn.close()


@pytest.fixture(scope="module")
async def world(worker, sandbox, service_env):
    """Clients A and B, each with a director and a project the worker learnt from project events."""
    events = Events()
    ids = {name: uuid.uuid4() for name in ("client_a", "client_b", "project_a", "project_b", "project_a2")}
    director_a, user_a = events.user("director", "鈴木 一郎")
    director_b, user_b = events.user("director", "高橋 次郎")
    director_a2, user_a2 = events.user("director", "田中 三郎")  # directs another project of client A
    redis_client = aioredis.Redis.from_url(service_env["REDIS_URL"])
    try:
        await publish(
            redis_client, service_env["REDIS_NAMESPACE"], user_a, user_b, user_a2,
            events.project(ids["project_a"], ids["client_a"], director_a, "draft", "A社 案件", type_="project.created"),
            events.project(ids["project_a2"], ids["client_a"], director_a2, "draft", "A社 別案件",
                           type_="project.created"),
            events.project(ids["project_b"], ids["client_b"], director_b, "draft", "B社 案件", type_="project.created"),
        )
    finally:
        await redis_client.aclose()

    async def known():
        conn = await asyncpg.connect(service_env["DATABASE_URL"])
        try:
            return await conn.fetchval(
                "SELECT count(*) FROM integrations.project_links WHERE project_id = ANY($1::uuid[])"
                " AND director_id IS NOT NULL",
                [ids["project_a"], ids["project_b"], ids["project_a2"]]) == 3
        finally:
            await conn.close()

    await wait_until(known, within_s=30, what="the worker learnt the projects from their events")
    async with httpx.AsyncClient(base_url=sandbox.url) as sb:
        receiver = (await sb.post("/_sandbox/webhooks/endpoints", json={})).raise_for_status().json()
    return {
        **ids, "url": receiver["url"], "worker": worker.url,
        "a": user_headers(service_env, "director", director_a), "b": user_headers(service_env, "director", director_b),
        "a2": user_headers(service_env, "director", director_a2),
        "admin": user_headers(service_env, "admin"),
    }


async def test_a_director_of_another_client_cannot_register_a_webhook_for_client_a(world) -> None:
    async with httpx.AsyncClient(base_url=world["worker"]) as api:
        body = {"client_id": str(world["client_a"]), "url": world["url"], "events": ["appointment.set"]}
        attack = await api.post("/v1/webhook-endpoints", json=body, headers=world["b"])
        assert attack.status_code == 404, attack.text
        own = await api.post("/v1/webhook-endpoints", json=body, headers=world["a"])
        assert own.status_code == 201, own.text
        endpoint_id = own.json()["id"]
        # A director of any project of client A manages the client's endpoints too.
        assert (await api.get(f"/v1/webhook-endpoints/{endpoint_id}", headers=world["a2"])).status_code == 200
        for method, path, kwargs in (
            ("GET", f"/v1/webhook-endpoints/{endpoint_id}", {}),
            ("PATCH", f"/v1/webhook-endpoints/{endpoint_id}", {"json": {"active": False}}),
            ("POST", f"/v1/webhook-endpoints/{endpoint_id}/rotate-secret", {}),
            ("POST", f"/v1/webhook-endpoints/{endpoint_id}/test", {}),
        ):
            answer = await api.request(method, path, headers=world["b"], **kwargs)
            assert answer.status_code == 404, (method, path, answer.status_code, answer.text)
        listed = await api.get("/v1/webhook-endpoints", headers=world["b"])
        assert endpoint_id not in {e["id"] for e in listed.json()["items"]}
        filtered = await api.get("/v1/webhook-endpoints", params={"client_id": str(world["client_a"])},
                                 headers=world["b"])
        assert filtered.status_code == 200 and filtered.json()["items"] == []
        mine = await api.get("/v1/webhook-endpoints", params={"client_id": str(world["client_a"])},
                             headers=world["a"])
        assert endpoint_id in {e["id"] for e in mine.json()["items"]}
        still = await api.get(f"/v1/webhook-endpoints/{endpoint_id}", headers=world["admin"])
        assert still.json()["active"] is True  # B's PATCH changed nothing


async def test_a_director_of_another_client_cannot_change_client_a_integration_settings(world) -> None:
    async with httpx.AsyncClient(base_url=world["worker"]) as api:
        client_wide = {"client_id": str(world["client_a"]), "integration": "slack",
                       "config": {"channel_prefix": "a-sha"}}
        for_project = {**client_wide, "project_id": str(world["project_a"]), "config": {"channel_prefix": "a-pj"}}
        for body in (client_wide, for_project):
            attack = await api.put("/v1/integration-settings", json=body, headers=world["b"])
            assert attack.status_code == 404, attack.text
        # B's own project under A's client id is refused as well: settings never travel to another client.
        smuggled = {**client_wide, "project_id": str(world["project_b"])}
        assert (await api.put("/v1/integration-settings", json=smuggled, headers=world["b"])).status_code == 422

        saved = await api.put("/v1/integration-settings", json=client_wide, headers=world["a"])
        assert saved.status_code == 200, saved.text
        project_saved = await api.put("/v1/integration-settings", json=for_project, headers=world["a"])
        assert project_saved.status_code == 200, project_saved.text
        # The other director of client A manages the client's settings, not A's first project's.
        assert (await api.put("/v1/integration-settings", json=client_wide, headers=world["a2"])).status_code == 200
        assert (await api.put("/v1/integration-settings", json=for_project, headers=world["a2"])).status_code == 404

        seen_by_b = await api.get("/v1/integration-settings", params={"limit": 200}, headers=world["b"])
        assert {s["client_id"] for s in seen_by_b.json()["items"]} <= {str(world["client_b"])}
        seen_by_a = await api.get("/v1/integration-settings", params={"client_id": str(world["client_a"])},
                                  headers=world["a"])
        assert {s["id"] for s in seen_by_a.json()["items"]} == {saved.json()["id"], project_saved.json()["id"]}
        assert (await api.delete(f"/v1/integration-settings/{saved.json()['id']}",
                                 headers=world["b"])).status_code == 404
        assert (await api.delete(f"/v1/integration-settings/{project_saved.json()['id']}",
                                 headers=world["a"])).status_code == 204


async def test_a_director_of_another_client_cannot_read_or_redrive_client_a_delivery_log(world, service_env) -> None:
    delivery_id = await _insert_delivery(service_env["DATABASE_URL"], world["client_a"], world["project_a"])
    async with httpx.AsyncClient(base_url=world["worker"]) as api:
        listed = await api.get("/v1/deliveries", params={"limit": 500}, headers=world["b"])
        assert listed.status_code == 200
        assert str(delivery_id) not in {d["id"] for d in listed.json()["items"]}
        by_client = await api.get("/v1/deliveries", params={"client_id": str(world["client_a"])}, headers=world["b"])
        assert by_client.json()["items"] == []
        assert (await api.get(f"/v1/deliveries/{delivery_id}", headers=world["b"])).status_code == 404
        assert (await api.post(f"/v1/deliveries/{delivery_id}/retry", headers=world["b"])).status_code == 404
        bulk = await api.post("/v1/deliveries/retry-dead", params={"integration": "webhook"}, headers=world["b"])
        assert bulk.status_code == 200 and bulk.json()["requeued"] == 0
        aimed = await api.post("/v1/deliveries/retry-dead", headers=world["b"],
                               params={"integration": "webhook", "project_id": str(world["project_a"])})
        assert aimed.status_code == 404
        assert (await api.get(f"/v1/deliveries/{delivery_id}", headers=world["admin"])).json()["status"] == "dead"

        own = await api.get(f"/v1/deliveries/{delivery_id}", headers=world["a"])
        assert own.status_code == 200
        listed_by_a = await api.get("/v1/deliveries", params={"project_id": str(world["project_a"])},
                                    headers=world["a"])
        assert str(delivery_id) in {d["id"] for d in listed_by_a.json()["items"]}
