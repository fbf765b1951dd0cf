"""The worker's jobs and its sandbox: arq jobs are stored as data (MessagePack), never as pickles
that would run code when read; the sandbox refuses to start in production; and the worker talks
to the sandbox only when asked (ANKEN_SANDBOX=1)."""

from __future__ import annotations

import asyncio
import os
import pickle
import subprocess
import time
import uuid
from pathlib import Path

import pytest
from arq.constants import job_key_prefix
from msgspec import msgpack

from anken_worker.adapters.errors import SkipDelivery
from anken_worker.deliveries.queue import DELIVER_JOB
from anken_worker.job_runner import build_worker, create_arq_pool
from anken_worker.settings import WorkerSettings

from .outbound_support import worker_api, worker_settings


class _Planted:
    """What an attacker with write access to Redis would plant: unpickling it creates a file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return open, (str(self.marker), "w")


async def test_an_enqueued_job_is_stored_as_msgpack_not_pickle(service_env) -> None:
    settings = worker_settings(service_env)
    pool = await create_arq_pool(settings)
    try:
        job_id = f"{settings.redis_namespace}:security:{uuid.uuid4()}"
        queue = f"{settings.redis_namespace}:arq:security-{uuid.uuid4().hex[:8]}"
        await pool.enqueue_job(DELIVER_JOB, "evt:1:slack.post", "slack:C1", _job_id=job_id, _queue_name=queue)
        raw = await pool.get(job_key_prefix + job_id)
        assert raw is not None and not raw.startswith(b"\x80"), "a pickle (protocol 2+) starts with 0x80"
        stored = msgpack.decode(raw)
        assert stored["f"] == DELIVER_JOB and stored["a"] == ["evt:1:slack.post", "slack:C1"]
        with pytest.raises(Exception):  # noqa: B017 - any refusal: it is not a pickle at all
            pickle.loads(raw)
        await pool.delete(job_key_prefix + job_id, queue)
    finally:
        await pool.aclose()


async def test_a_pickled_job_planted_in_redis_runs_no_code(service_env, tmp_path) -> None:
    settings = worker_settings(service_env)
    marker = tmp_path / "pickle-ran"
    queue = f"{settings.redis_namespace}:arq:planted-{uuid.uuid4().hex[:8]}"
    job_id = f"{settings.redis_namespace}:planted:{uuid.uuid4()}"
    pool = await create_arq_pool(settings)
    try:
        planted = pickle.dumps({"t": 1, "f": DELIVER_JOB, "a": [_Planted(marker)], "k": {},
                                "et": int(time.time() * 1000)})
        await pool.set(job_key_prefix + job_id, planted)
        await pool.zadd(queue, {job_id: int(time.time() * 1000)})
        worker = build_worker(settings, pool, None, cron=False, queue=queue)
        worker.burst = True
        await asyncio.wait_for(worker.main(), 30)
        await worker.close()
    finally:
        await pool.delete(job_key_prefix + job_id, queue)
        await pool.aclose()
    assert not marker.exists(), "the planted pickle was unpickled by the worker"


def test_the_sandbox_refuses_to_start_in_production(service_env) -> None:
    env = {**service_env, "ANKEN_ENV": "production", "ANKEN_SECRET_KEY": os.urandom(32).hex()}
    started = subprocess.run(["anken-sandbox", "serve", "--port", "0"], env=env, capture_output=True, text=True,
                             timeout=60)
    assert started.returncode == 2, started
    assert "ANKEN_ENV" in started.stderr and "production" in started.stderr, started.stderr


async def test_the_sandbox_fallback_is_off_unless_asked_for(service_env) -> None:
    env = {k: v for k, v in service_env.items() if k != "ANKEN_SANDBOX"}
    assert WorkerSettings(**{k.lower(): v for k, v in env.items() if k.isupper()}).anken_sandbox is False
    settings = worker_settings(env)
    async with worker_api(settings) as api:
        ctx = api.app.state.resources.ctx  # type: ignore[attr-defined]
        async with ctx.engine.connect() as conn:
            with pytest.raises(SkipDelivery, match="not configured"):
                await ctx.connectors.slack(conn, uuid.uuid4(), uuid.uuid4())
    # Nor may outgoing calls reach the sandbox's address then.
    assert not settings.outbound_policy.allows("127.0.0.1", int(settings.sandbox_url.rsplit(":", 1)[1]))
