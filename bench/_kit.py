"""What every benchmark here needs: a throw-away database and Redis namespace, a projects-api
process, and waiting for readiness. (`run_all.py` skips files starting with `_`.)"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
SECRET = "bench-secret-key-0123456789abcdef0123"


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Scratch:
    """A throw-away database on DATABASE_URL's server and the environment services need to use it."""

    name: str
    url: str
    env: dict[str, str]


@asynccontextmanager
async def scratch_database(**env: str) -> AsyncIterator[Scratch]:
    """Create `anken_bench_<random>` (and a Redis namespace of the same suffix); drop it afterwards."""
    admin_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    name = f"anken_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_url)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = with_database(admin_url, name)
    service_env = {
        **os.environ, "DATABASE_URL": url, "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "REDIS_NAMESPACE": f"bench{name[-8:]}", "ANKEN_SECRET_KEY": SECRET, "ANKEN_ENV": "test",
        "LOG_LEVEL": "WARNING", "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **env,
    }
    try:
        yield Scratch(name=name, url=url, env=service_env)
    finally:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", name)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await admin.close()


async def migrate(env: dict[str, str], *clis: str) -> None:
    for cli in clis:
        await asyncio.to_thread(subprocess.run, [str(BIN / cli), "migrate"], env=env, check=True, capture_output=True)


def start_projects_api(env: dict[str, str], port: int, workers: int = 1) -> subprocess.Popen:
    return subprocess.Popen([str(BIN / "anken-projects"), "serve", "--port", str(port), "--workers", str(workers)],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop(process: subprocess.Popen | None) -> None:
    if process is not None:
        process.terminate()
        process.wait(10)


async def wait_ready(url: str) -> None:
    async with httpx.AsyncClient(timeout=1) as client:
        for _ in range(300):
            with suppress(httpx.HTTPError):
                if (await client.get(f"{url}/readyz")).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise RuntimeError(f"{url} did not become ready")


@asynccontextmanager
async def kept_database(name: str | None = None, **env: str) -> AsyncIterator[tuple[Scratch, bool]]:
    """Like scratch_database, but the database outlives the run so later runs can reuse its data.

    With `name`, that existing database is used (yields it with True); without, a new
    `anken_bench_<random>` is created and kept (False). Either way it is never dropped here:
    drop it by hand (`DROP DATABASE …`) when done.
    """
    admin_url = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    reused = name is not None
    name = name or f"anken_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(admin_url)
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if reused and not exists:
            raise RuntimeError(f"database {name} does not exist")
        if not reused:
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = with_database(admin_url, name)
    service_env = {
        **os.environ, "DATABASE_URL": url, "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "REDIS_NAMESPACE": f"bench{name[-8:]}", "ANKEN_SECRET_KEY": SECRET, "ANKEN_ENV": "test",
        "LOG_LEVEL": "WARNING", "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", **env,
    }
    yield Scratch(name=name, url=url, env=service_env), reused
