"""`make run`: embedded PostgreSQL and Redis (unless DATABASE_URL / REDIS_URL are set),
migrations, then every service under honcho; in demo mode the demo is loaded once through the
running services (`anken-projects seed`, started once they answer). Ctrl-C stops everything.

Also `run.py migrate`, `run.py seed` (`make migrate` / `make seed`) and `run.py demo-reset`
(`make demo-reset`: throw the demo data away, then start as `run` and load it again).
Ports: WEB_PORT, PROJECTS_PORT, REPORTING_PORT, WORKER_PORT, SANDBOX_PORT, SANDBOX_SMTP_PORT (the sandbox's
mail catcher, 8025), ANKEN_REDIS_PORT.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import devstack  # noqa: E402

ROOT = HERE.parent.parent
BIN = Path(sys.executable).parent
MIGRATING_SERVICES = ("anken-projects", "anken-reporting", "anken-worker")
SCHEMAS = ("projects", "reporting", "integrations")
# (port variable, default, URL variable the other services read)
PORTS = (("WEB_PORT", 8000, "WEB_URL"), ("PROJECTS_PORT", 8001, "PROJECTS_API_URL"),
         ("REPORTING_PORT", 8002, "REPORTING_API_URL"), ("WORKER_PORT", 8003, "WORKER_URL"),
         ("SANDBOX_PORT", 8010, "SANDBOX_URL"))
# The demo replays a month of Slack posts and sheet writes at once; the sandbox's emulated
# vendor rate limits would spread that over minutes.
DEMO_SANDBOX_LIMITS = {"SANDBOX_SLACK_CHANNEL_RATE_PER_S": "50", "SANDBOX_SLACK_CHANNEL_BURST": "50",
                       "SANDBOX_SLACK_TIER_SCALE": "20", "SANDBOX_SHEETS_QUOTA_PER_MINUTE": "1200"}


def _persisted_secret(home: Path, name: str, make) -> str:
    path = home / name
    if not path.exists():
        path.write_text(make())
        path.chmod(0o600)
    return path.read_text().strip()


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def _web_session_key(master: str) -> str:
    """The web's cookie key, derived from the master as the test harness does (the web never gets
    a key that signs API tokens; in production it is configured on its own)."""
    from anken_common.auth_tokens import KeyPurpose, derive_key

    return derive_key(master, KeyPurpose.web_cookie.value)


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
    env.setdefault("WEB_SESSION_KEY", _web_session_key(env["ANKEN_SECRET_KEY"]))
    if embedded:
        env.setdefault("ANKEN_DEMO", "1")
    # `make run` always starts the sandbox; the worker uses it only when told to.
    env.setdefault("ANKEN_SANDBOX", "1")
    # The sandbox keeps its Slack/Confluence/Sheets data across restarts, as the database does.
    env.setdefault("SANDBOX_STATE_FILE", str(home / "sandbox-state.json"))
    if is_demo(env):
        for name, value in DEMO_SANDBOX_LIMITS.items():
            env.setdefault(name, value)
    for port_var, default, url_var in PORTS:
        port = env.setdefault(port_var, str(default))
        if url_var:
            env.setdefault(url_var, f"http://127.0.0.1:{port}")
    wire_mail(env)
    # The web front end forwards the browser's address on login (X-Forwarded-For); projects-api
    # believes it only from these peers, so the per-address login throttle counts browsers, not web.
    env.setdefault("TRUSTED_PROXIES", "127.0.0.1,::1")
    env.setdefault("LOG_JSON", "0")
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    return env, embedded


def wire_mail(env: dict[str, str]) -> None:
    """Invitation mail goes to the sandbox's SMTP catcher (seen at /_sandbox/mail/messages), unless a real
    server is configured (SMTP_HOST) or the catcher is turned off (SANDBOX_SMTP_PORT=0 or empty: the link
    is then only logged and shown to the inviter)."""
    port = env.setdefault("SANDBOX_SMTP_PORT", "8025").strip()
    if env.get("SMTP_HOST") or port in ("", "0"):
        return
    env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS="0", SMTP_TLS="0")


def migrate(env: dict[str, str]) -> None:
    for cli in MIGRATING_SERVICES:
        if shutil.which(cli, path=env["PATH"]):
            print(f"• {cli} migrate", flush=True)
            subprocess.run([cli, "migrate"], env=env, check=True)


def is_demo(env: dict[str, str]) -> bool:
    return env.get("ANKEN_DEMO", "").lower() in ("1", "true", "yes")


def seed(env: dict[str, str]) -> int:
    """Load the demo through the services (the seed waits for their /readyz); a no-op once loaded."""
    print("• loading demo data (once, through the running services)…", flush=True)
    return subprocess.run(["anken-projects", "seed"], env=env).returncode


def seed_in_background(env: dict[str, str]) -> threading.Thread:
    def load() -> None:
        if seed(env) != 0:
            print("• the demo data did not load (see above); `make demo-reset` starts afresh", flush=True)

    thread = threading.Thread(target=load, name="demo-seed", daemon=True)
    thread.start()
    return thread


def demo_reset(env: dict[str, str], embedded: list[str]) -> None:
    """Throw the demo data away: every service schema, the Redis namespace and the sandbox's state file."""
    if env.get("ANKEN_ENV") == "production":
        raise SystemExit("demo-reset refuses ANKEN_ENV=production")
    if not is_demo(env) and not embedded:
        raise SystemExit("demo-reset only runs in demo mode (ANKEN_DEMO=1 or the embedded servers)")
    import asyncpg
    import redis

    async def drop_schemas() -> None:
        conn = await asyncpg.connect(env["DATABASE_URL"])
        try:
            for schema in SCHEMAS:
                await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await conn.close()

    print("• demo-reset: dropping the schemas " + ", ".join(SCHEMAS), flush=True)
    if env.get("SANDBOX_STATE_FILE"):
        state_file = Path(env["SANDBOX_STATE_FILE"])
        print(f"• demo-reset: removing the sandbox state {state_file}", flush=True)
        state_file.unlink(missing_ok=True)
    asyncio.run(drop_schemas())
    namespace = env.get("REDIS_NAMESPACE", "anken")
    client = redis.Redis.from_url(env["REDIS_URL"])
    try:
        print(f"• demo-reset: forgetting Redis keys of namespace {namespace!r}", flush=True)
        for pattern in (f"{namespace}:*", f"arq:*{namespace}*"):
            keys = list(client.scan_iter(match=pattern, count=1000))
            for i in range(0, len(keys), 500):
                client.delete(*keys[i : i + 500])
        if "redis" in embedded:
            client.flushdb()  # the embedded server holds only Anken's keys (arq's job keys included)
    finally:
        client.close()


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def mail_line(env: dict[str, str]) -> str:
    if env.get("SMTP_HOST") == "127.0.0.1" and env.get("SMTP_PORT") == env.get("SANDBOX_SMTP_PORT"):
        return (f"invitations go to the sandbox's catcher (SMTP 127.0.0.1:{env['SMTP_PORT']}): "
                f"http://localhost:{env['SANDBOX_PORT']}/_sandbox/mail/messages")
    if env.get("SMTP_HOST"):
        return f"invitations are sent through {env['SMTP_HOST']}:{env.get('SMTP_PORT', '587')}"
    return "no SMTP: invitation links are logged and shown to the inviter"


def banner(env: dict[str, str]) -> None:
    password = env.get("ANKEN_DEMO_PASSWORD", "anken-demo")
    port = {name: env[name] for name, _, _ in PORTS}
    print(
        "\n"
        f"  Anken is starting.  Open  http://localhost:{port['WEB_PORT']}/\n"
        f"  projects-api  http://localhost:{port['PROJECTS_PORT']}/docs    "
        f"reporting-api  http://localhost:{port['REPORTING_PORT']}/docs\n"
        f"  worker        http://localhost:{port['WORKER_PORT']}/healthz  "
        f"sandbox        http://localhost:{port['SANDBOX_PORT']}/_sandbox/slack/messages\n"
        f"  mail          {mail_line(env)}\n"
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
        if command == "demo-reset":
            demo_reset(env, embedded)
        migrate(env)
        if command == "migrate":
            return 0
        if command == "seed":
            return seed(env)
        banner(env)
        proc = subprocess.Popen(
            [str(BIN / "honcho"), "-f", str(HERE / "Procfile"), "-d", str(ROOT), "start"], env=env
        )
        if is_demo(env):
            seed_in_background(env)
        # honcho gives each service its own process group: a SIGTERM to us must reach honcho too.
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            return proc.wait()
        except KeyboardInterrupt:
            proc.send_signal(signal.SIGINT)
            return proc.wait()
    finally:
        if command in ("run", "demo-reset"):
            if "redis" in embedded:
                devstack.stop_redis(home)
            if "postgres" in embedded:
                devstack.stop_postgres(home)


if __name__ == "__main__":
    raise SystemExit(main())
