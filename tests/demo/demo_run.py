"""Starting `make run`'s entry point (deploy/local/run.py run) the way a newcomer does, and stopping it.

With TEST_DATABASE_URL / TEST_REDIS_URL it runs on a fresh database and Redis namespace of those
servers; without them on its own embedded PostgreSQL and Redis under a temporary ANKEN_HOME,
exactly as `make run` on a fresh machine.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from harness.infra import ROOT, Infra, devstack

PORTS = {"web": "WEB_PORT", "projects": "PROJECTS_PORT", "reporting": "REPORTING_PORT", "worker": "WORKER_PORT",
         "sandbox": "SANDBOX_PORT", "smtp": "SANDBOX_SMTP_PORT"}
LOADED = re.compile(r"demo data loaded in ([0-9.]+) s")
# Everything `make run` may read from the caller's environment; the run gets its own.
INHERITED_OUT = ("DATABASE_URL", "REDIS_URL", "REDIS_NAMESPACE", "ANKEN_DEMO", "ANKEN_SANDBOX", "ANKEN_ENV",
                 "ANKEN_SECRET_KEY", "ANKEN_ENCRYPTION_KEY", "PROJECTS_API_URL", "REPORTING_API_URL", "WORKER_URL",
                 "SANDBOX_URL", "ANKEN_HOME", "SMTP_HOST", "SMTP_PORT", "SMTP_STARTTLS", "SMTP_TLS", "WEB_URL")


@dataclass
class DemoRun:
    home: Path
    log_path: Path
    process: subprocess.Popen
    ports: dict[str, int] = field(default_factory=dict)

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def load_seconds(self) -> float | None:
        found = LOADED.search(self.log())
        return float(found.group(1)) if found else None

    def stop(self) -> None:
        """SIGTERM to run.py (it stops honcho, which stops every service, then the embedded servers);
        whatever is left of the process group is killed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


def start(home: Path, infra: Infra | None, command: str = "run") -> DemoRun:
    env = {k: v for k, v in os.environ.items() if k not in INHERITED_OUT}
    ports = {name: devstack.free_port() for name in PORTS}
    env.update({var: str(ports[name]) for name, var in PORTS.items()})
    env.update(ANKEN_HOME=str(home), ANKEN_REDIS_PORT=str(devstack.free_port()), LOG_JSON="0")
    if infra is not None:
        env.update(DATABASE_URL=infra.database_url, REDIS_URL=infra.redis_url, REDIS_NAMESPACE=infra.namespace,
                   ANKEN_DEMO="1", ANKEN_SANDBOX="1")
    log_path = home / "run.log"
    with open(log_path, "wb") as log:
        # Its own session: the whole tree can be stopped together, never the test runner.
        process = subprocess.Popen([sys.executable, str(ROOT / "deploy" / "local" / "run.py"), command], env=env,
                                   cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return DemoRun(home, log_path, process, ports)


def wait_for(check: Callable[[], Any], within_s: float, what: str, run: DemoRun, interval: float = 0.5) -> Any:
    deadline = time.monotonic() + within_s
    last: Any = None
    while time.monotonic() < deadline:
        if run.process.poll() is not None:
            raise AssertionError(f"make run exited ({run.process.returncode}) while waiting for {what}:\n{run.log_tail()}")
        try:
            last = check()
        except httpx.HTTPError as exc:
            last = exc
        if last and not isinstance(last, Exception):
            return last
        time.sleep(interval)
    raise AssertionError(f"{what} not seen within {within_s:.0f} s (last: {last!r}):\n{run.log_tail()}")


def sandbox_items(run: DemoRun, what: str, **params: Any) -> list[dict]:
    items: list[dict] = []
    cursor = None
    while True:
        response = httpx.get(f"{run.url('sandbox')}/_sandbox/{what}", params={**params, **({"cursor": cursor} if cursor else {})},
                             timeout=30)
        response.raise_for_status()
        body = response.json()
        items += body["items"]
        cursor = body.get("next_cursor")
        if not cursor:
            return items


def login(run: DemoRun, email: str, password: str = "anken-demo") -> dict[str, str]:
    response = httpx.post(f"{run.url('projects')}/v1/auth/token", json={"email": email, "password": password}, timeout=30)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
