"""Worker test fixtures: the sandbox and the worker as processes, Redis and database handles."""

from __future__ import annotations

import asyncpg
import pytest
import redis.asyncio as aioredis
from worker_support import WORKER_ENV, Events


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
async def redis_client(service_env):
    client = aioredis.Redis.from_url(service_env["REDIS_URL"])
    yield client
    await client.aclose()


@pytest.fixture
async def db(service_env):
    conn = await asyncpg.connect(service_env["DATABASE_URL"])
    yield conn
    await conn.close()


@pytest.fixture(scope="session")
def sandbox(stack):
    return stack.start("sandbox")


@pytest.fixture(scope="session")
def worker(stack, sandbox):
    return stack.start("worker", extra_env=WORKER_ENV)
