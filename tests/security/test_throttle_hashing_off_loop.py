"""Password hashing runs off the event loop (issue 13): while a login or a password set hashes,
the same process keeps answering other requests."""

from __future__ import annotations

import asyncio
import time

from argon2 import PasswordHasher
from projects_registry.helpers import make_user

from anken_projects.auth import passwords

from .throttle_support import PASSWORD, add_user, fresh_ip, log_in, serve_projects

# About half a second of CPU per hash or verification on the test machine (the default is ~50 ms).
SLOW = PasswordHasher(time_cost=12, memory_cost=65536, parallelism=1)


async def _healthz_latency_while(client, busy) -> tuple[float, float]:
    task = asyncio.create_task(busy)
    await asyncio.sleep(0.05)  # let the login reach its hash
    started = time.monotonic()
    assert (await client.get("/healthz")).status_code == 200
    latency = time.monotonic() - started
    await task
    return latency, time.monotonic() - started


async def test_a_login_hashing_does_not_hold_up_other_requests(service_env):
    async with serve_projects(service_env, fresh_ip()) as client:
        user = await add_user(client, password_hash=SLOW.hash(PASSWORD))
        started = time.monotonic()
        assert (await log_in(client, user.email)).status_code == 200
        assert time.monotonic() - started > 0.25, "the slow hash is slow enough to measure"
        latency, total = await _healthz_latency_while(client, log_in(client, user.email, "wrong-password"))
        assert latency < total / 2, f"/healthz waited {latency:.2f} s for a login's hash"


async def test_setting_a_password_does_not_hold_up_other_requests(service_env, monkeypatch):
    async with serve_projects(service_env, fresh_ip()) as client:
        admin = await make_user(client, "admin")
        monkeypatch.setattr(passwords, "_hasher", SLOW)
        body = {"email": f"new-{fresh_ip()}@example.jp", "name": "新しい人", "role": "member", "password": "a-long-password-1"}
        latency, total = await _healthz_latency_while(client, client.post("/v1/users", json=body, headers=admin.headers))
        assert total > 0.25, "the slow hash is slow enough to measure"
        assert latency < total / 2, f"/healthz waited {latency:.2f} s for a password hash"
