"""Redis down: projects-api keeps accepting writes, and once Redis is back the outbox relay
delivers every event exactly once (no loss; consumers would see no duplicate ids)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import time

import asyncpg
import httpx
import redis

from anken_common.auth_tokens import issue_service_token
from harness.infra import devstack
from harness.processes import RunningService, wait_healthy


def _stream_event_ids(client: redis.Redis, namespace: str, event_type: str) -> list[str]:
    ids = []
    for _, fields in client.xrange(f"{namespace}:events"):
        envelope = json.loads(fields[b"envelope"])
        if envelope["type"] == event_type:
            ids.append(envelope["id"])
    return ids


async def _outbox_rows(database_url: str) -> tuple[set[str], int]:
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch("SELECT event_id, published_at FROM projects.outbox_events WHERE type = 'client.created'")
    finally:
        await conn.close()
    return {str(r["event_id"]) for r in rows}, sum(1 for r in rows if r["published_at"] is None)


def _outbox_event_ids(database_url: str) -> tuple[set[str], int]:
    return asyncio.run(_outbox_rows(database_url))


def test_writes_survive_a_redis_outage_and_every_event_arrives_once(service_env, tmp_path) -> None:
    redis_port = devstack.free_port()
    redis_home = tmp_path / "redis-home"
    redis_url = devstack.start_redis(redis_home, redis_port)
    namespace = f"{service_env['REDIS_NAMESPACE']}r"
    env = {**service_env, "REDIS_URL": redis_url, "REDIS_NAMESPACE": namespace}
    port = devstack.free_port()
    log = tmp_path / "projects.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(["anken-projects", "serve", "--port", str(port)], env=env, stdout=out, stderr=out)
    service = RunningService("projects", f"http://127.0.0.1:{port}", process, log)
    token = issue_service_token(service_env["ANKEN_SECRET_KEY"], "tests")
    headers = {"Authorization": f"Bearer {token}"}
    client = redis.Redis.from_url(redis_url)
    try:
        wait_healthy(service, 30)
        with httpx.Client(base_url=service.url, headers=headers, timeout=10) as api:
            for i in range(5):
                assert (api.post("/v1/clients", json={"name": f"障害前{i}"})).status_code == 201

            devstack.stop_redis(redis_home)
            deadline = time.monotonic() + 10
            while (api.get("/readyz")).status_code != 503:
                assert time.monotonic() < deadline, "readyz never reported Redis down"
                time.sleep(0.1)
            assert (api.get("/readyz")).json()["failing"] == ["redis"]
            for i in range(10):
                response = api.post("/v1/clients", json={"name": f"障害中{i}"})
                assert response.status_code == 201, response.text

            _, waiting = _outbox_event_ids(service_env["DATABASE_URL"])
            assert waiting >= 10  # the relay could not publish while Redis was down

            devstack.start_redis(redis_home, redis_port)
            outbox_ids, _ = _outbox_event_ids(service_env["DATABASE_URL"])
            deadline = time.monotonic() + 30
            while True:
                delivered = _stream_event_ids(client, namespace, "client.created")
                _, unpublished = _outbox_event_ids(service_env["DATABASE_URL"])
                if set(delivered) >= outbox_ids and unpublished == 0:
                    break
                assert time.monotonic() < deadline, f"only {len(set(delivered))} of {len(outbox_ids)} delivered"
                time.sleep(0.2)
        mine = {i for i in delivered if i in outbox_ids}
        assert len(outbox_ids) >= 15
        assert mine == outbox_ids  # nothing lost
        assert len([i for i in delivered if i in outbox_ids]) == len(mine)  # nothing published twice
    finally:
        service.stop()
        client.close()
        devstack.stop_redis(redis_home)
