"""Password hashing runs off the event loop (issue 13): while a login or a password set hashes,
the same process keeps answering other requests."""

from __future__ import annotations

import asyncio
import time

from argon2 import PasswordHasher
from projects_registry.helpers import make_user

from anken_projects.auth import passwords

from .throttle_support import PASSWORD, add_user, fresh_ip, log_in, serve_projects

# Some tenths of a second of CPU per hash or verification (the default costs ~50 ms), so that a hash on
# the event loop would show on any machine.
SLOW = PasswordHasher(time_cost=8, memory_cost=65536, parallelism=1)


async def _worst_healthz_latency_while(client, busy) -> tuple[float, float, object]:
    """Ask /healthz every 10 ms while `busy` runs: (longest wait for an answer, busy's duration,
    busy's result). A hash on the event loop holds up the next answer, or the pause before it, for
    the whole hash."""
    started = time.monotonic()
    task = asyncio.create_task(busy)
    worst = 0.0
    while not task.done():
        asked = time.monotonic()
        await asyncio.sleep(0.01)
        assert (await client.get("/healthz")).status_code == 200
        worst = max(worst, time.monotonic() - asked - 0.01)
    return worst, time.monotonic() - started, await task


async def test_a_login_hashing_does_not_hold_up_other_requests(service_env):
    async with serve_projects(service_env, fresh_ip()) as client:
        user = await add_user(client, password_hash=SLOW.hash(PASSWORD))
        started = time.monotonic()
        assert (await log_in(client, user.email)).status_code == 200
        assert time.monotonic() - started > 0.15, "the slow hash is slow enough to measure"
        latency, total, answer = await _worst_healthz_latency_while(client, log_in(client, user.email, "wrong-password"))
        assert answer.status_code == 401
        assert latency < total / 2, f"/healthz waited {latency:.2f} s of {total:.2f} s for a login's hash"


async def test_setting_a_password_does_not_hold_up_other_requests(service_env, monkeypatch):
    async with serve_projects(service_env, fresh_ip()) as client:
        admin = await make_user(client, "admin")
        monkeypatch.setattr(passwords, "_hasher", SLOW)
        body = {"email": f"new-{fresh_ip()}@example.jp", "name": "新しい人", "role": "member", "password": "a-long-password-1"}
        create = client.post("/v1/users", json=body, headers=admin.headers)
        latency, total, answer = await _worst_healthz_latency_while(client, create)
        assert answer.status_code == 201, answer.text
        assert total > 0.15, "the slow hash is slow enough to measure"
        assert latency < total / 2, f"/healthz waited {latency:.2f} s of {total:.2f} s for a password hash"
