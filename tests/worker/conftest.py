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


# Every worker test's project writes to Sheets as the same service account, so the suite's traffic
# would spend one test's per-minute quota on another's kickoff; each test gets the quota to itself.
# Sheets' own 429 is pinned by the tests that ask for a low quota (tests/sandbox, test_sheets_quota).
SUITE_SHEETS_QUOTA = "100000"


@pytest.fixture(scope="session")
def sandbox(stack):
    return stack.start("sandbox", extra_env={"SANDBOX_SHEETS_QUOTA_PER_MINUTE": SUITE_SHEETS_QUOTA})


@pytest.fixture(scope="session")
def worker(stack, sandbox):
    return stack.start("worker", extra_env=WORKER_ENV)
