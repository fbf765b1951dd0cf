"""`make run`: embedded PostgreSQL and Redis (unless DATABASE_URL / REDIS_URL are set),
migrations, demo data once, then every service under honcho. Ctrl-C stops everything.

Also `run.py migrate` and `run.py seed` for `make migrate` / `make seed`.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import devstack  # noqa: E402

ROOT = HERE.parent.parent
BIN = Path(sys.executable).parent
MIGRATING_SERVICES = ("anken-projects", "anken-reporting", "anken-worker")


def _persisted_secret(home: Path, name: str, make) -> str:
    path = home / name
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def prepare_environment() -> tuple[dict[str, str], list[str]]:
    """Start what is embedded, and return the environment every process gets."""
    home = Path(os.environ.get("ANKEN_HOME", ROOT / ".anken")).resolve()
    home.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    embedded: list[str] = []
    if not env.get("DATABASE_URL"):
        print("• starting embedded PostgreSQL (data in %s)…" % (home / "pg"), flush=True)
        env["DATABASE_URL"] = devstack.start_postgres(home)
        embedded.append("postgres")
    if not env.get("REDIS_URL"):
        port = int(env.get("ANKEN_REDIS_PORT", "6390"))
        print(f"• starting embedded Redis on 127.0.0.1:{port}…", flush=True)
        env["REDIS_URL"] = devstack.start_redis(home, port)
        embedded.append("redis")
    env.setdefault("ANKEN_SECRET_KEY", _persisted_secret(home, "secret_key", lambda: secrets.token_urlsafe(48)))
    env.setdefault("ANKEN_ENCRYPTION_KEY", _persisted_secret(home, "encryption_key", _fernet_key))
    if embedded:
        env.setdefault("ANKEN_DEMO", "1")
    # `make run` always starts the sandbox; the worker uses it only when told to.
    env.setdefault("ANKEN_SANDBOX", "1")
    env.setdefault("LOG_JSON", "0")
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env, embedded


def migrate(env: dict[str, str]) -> None:
    for cli in MIGRATING_SERVICES:
        if shutil.which(cli, path=env["PATH"]):
            print(f"• {cli} migrate", flush=True)
            subprocess.run([cli, "migrate"], env=env, check=True)


def seed(env: dict[str, str]) -> None:
    print("• loading demo data (once)…", flush=True)
    subprocess.run(["anken-projects", "seed"], env=env, check=True)


def banner(env: dict[str, str]) -> None:
    password = env.get("ANKEN_DEMO_PASSWORD", "anken-demo")
    print(
        "\n"
        "  Anken is starting.  Open  http://localhost:8000/\n"
        "  projects-api  http://localhost:8001/docs    reporting-api  http://localhost:8002/docs\n"
        "  worker        http://localhost:8003/healthz  sandbox        http://localhost:8010/_sandbox/slack/messages\n"
        "\n"
        f"  Demo logins (password: {password})\n"
        "    admin@demo.anken.jp  director@demo.anken.jp  manager@demo.anken.jp  member1@demo.anken.jp\n"
        "\n  Ctrl-C stops everything; the next `make run` reuses the data in .anken/.\n",
        flush=True,
    )


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else "run"
    env, embedded = prepare_environment()
    home = Path(env.get("ANKEN_HOME", ROOT / ".anken")).resolve()
    try:
        migrate(env)
        if command == "migrate":
            return 0
        if command == "seed" or env.get("ANKEN_DEMO") in ("1", "true", "yes"):
            seed(env)
        if command == "seed":
            return 0
        banner(env)
        proc = subprocess.Popen(
            [str(BIN / "honcho"), "-f", str(HERE / "Procfile"), "-d", str(ROOT), "start"], env=env
        )
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.send_signal(signal.SIGINT)
            return proc.wait()
    finally:
        if command == "run":
            if "redis" in embedded:
                devstack.stop_redis(home)
            if "postgres" in embedded:
                devstack.stop_postgres(home)


if __name__ == "__main__":
    raise SystemExit(main())
