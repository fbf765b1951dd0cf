"""Real PostgreSQL and Redis for tests: this machine's (TEST_DATABASE_URL / TEST_REDIS_URL)
or the embedded ones `make run` uses. Each run gets its own database and Redis namespace."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import redis

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy" / "local"))
import devstack  # noqa: E402

EMBEDDED_HOME = ROOT / ".anken" / "test"


@dataclass(frozen=True)
class Infra:
    database_url: str
    redis_url: str
    namespace: str
    admin_database_url: str
    database_name: str


async def _commit_without_waiting_for_disk(admin_url: str) -> None:
    """Test data is thrown away: a commit need not wait for its WAL flush (a crash loses the last
    commits, never consistency). Commits then cost ~0.1 ms instead of a disk flush each."""
    conn = await asyncpg.connect(admin_url)
    try:
        if await conn.fetchval("SHOW synchronous_commit") != "off":
            await conn.execute("ALTER SYSTEM SET synchronous_commit = off")
            await conn.execute("SELECT pg_reload_conf()")
    finally:
        await conn.close()


def admin_database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    embedded = devstack.start_postgres(EMBEDDED_HOME, database="postgres")
    asyncio.run(_commit_without_waiting_for_disk(embedded))
    return embedded


def test_redis_url() -> str:
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        return url
    return devstack.start_redis(EMBEDDED_HOME, int(os.environ.get("TEST_EMBEDDED_REDIS_PORT", "6391")))


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


async def _create_database(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def _drop_database(admin_url: str, name: str) -> None:
    conn = await asyncpg.connect(admin_url)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def create_infra() -> Infra:
    admin = admin_database_url()
    name = f"anken_t_{uuid.uuid4().hex[:10]}"
    asyncio.run(_create_database(admin, name))
    return Infra(
        database_url=with_database(admin, name),
        redis_url=test_redis_url(),
        namespace=f"t{uuid.uuid4().hex[:10]}",
        admin_database_url=admin,
        database_name=name,
    )


def destroy_infra(infra: Infra) -> None:
    asyncio.run(_drop_database(infra.admin_database_url, infra.database_name))
    client = redis.Redis.from_url(infra.redis_url)
    try:
        keys = list(client.scan_iter(match=f"{infra.namespace}:*", count=1000))
        for i in range(0, len(keys), 500):
            client.delete(*keys[i : i + 500])
        # arq's default keys carry the namespace through the queue name; its job keys do not.
        for key in client.scan_iter(match=f"arq:*{infra.namespace}*", count=1000):
            client.delete(key)
    finally:
        client.close()
