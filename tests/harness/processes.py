"""Run Anken's services as real processes (the way `make run` does) for tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from anken_common.auth_tokens import KeyPurpose, derive_key
from harness.infra import ROOT, Infra, devstack

BIN = Path(sys.executable).parent
TEST_SECRET_KEY = "test-secret-key-0123456789abcdef"
ARTIFACTS = ROOT / "tests" / "artifacts"

# name -> (command, port env var); the command gets "--port N" appended.
SERVICES: dict[str, list[str]] = {
    "projects": ["anken-projects", "serve"],
    "reporting": ["anken-reporting", "serve"],
    "worker": ["anken-worker", "run"],
    "sandbox": ["anken-sandbox", "serve"],
    "web": ["anken-web", "serve"],
}
URL_VARS = {
    "projects": "PROJECTS_API_URL",
    "reporting": "REPORTING_API_URL",
    "worker": "WORKER_URL",
    "sandbox": "SANDBOX_URL",
    "web": "WEB_URL",  # reporting-api links published reports to the web app's page
}
MIGRATING = ("anken-projects", "anken-reporting", "anken-worker")


def base_env(infra: Infra) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=infra.database_url,
        REDIS_URL=infra.redis_url,
        REDIS_NAMESPACE=infra.namespace,
        ANKEN_ENV="test",
        ANKEN_SECRET_KEY=TEST_SECRET_KEY,
        # The web signs its cookie with its own key, derived as `make run` does (never the master).
        WEB_SESSION_KEY=derive_key(TEST_SECRET_KEY, KeyPurpose.web_cookie.value),
        # Many suites sign tokens for users that exist only in events (no projects-api row), so
        # reporting-api and the worker do not ask projects-api about them; tests/security turns it on.
        USER_STATUS_CHECK="0",
        ANKEN_ENCRYPTION_KEY="3kZ5c9cGzQk2p3Yf0H8m6r1rQ3JfJx7h3n9m2W1kqvU=",
        # The worker talks to the sandbox only when asked (its own address is then allowed outbound).
        ANKEN_SANDBOX="1",
        LOG_JSON="1",
        LOG_LEVEL="INFO",
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    return env


def run_migrations(env: dict[str, str]) -> None:
    for cli in MIGRATING:
        if shutil.which(cli, path=env["PATH"]):
            subprocess.run([cli, "migrate"], env=env, check=True, capture_output=True, text=True, timeout=180)


@dataclass
class RunningService:
    name: str
    url: str
    process: subprocess.Popen
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, sig: int = 15, timeout: float = 10) -> None:
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


@dataclass
class Stack:
    """Starts services on free ports, each once per test session; all URLs are wired together."""

    infra: Infra
    env: dict[str, str]
    running: dict[str, RunningService] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name in SERVICES:
            self.ports[name] = devstack.free_port()
        for name, var in URL_VARS.items():
            self.env[var] = f"http://127.0.0.1:{self.ports[name]}"
        # The sandbox's SMTP catcher on its own free port, and projects-api's invitation mail sent to it (as
        # `make run` wires them); where a suite starts no sandbox, a send fails fast and is answered mail_sent: false.
        self.ports["smtp"] = devstack.free_port()
        self.env.update(SANDBOX_SMTP_PORT=str(self.ports["smtp"]), SMTP_HOST="127.0.0.1",
                        SMTP_PORT=str(self.ports["smtp"]), SMTP_STARTTLS="0", SMTP_TIMEOUT_S="5")

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def start(self, name: str, extra_env: dict[str, str] | None = None, timeout: float = 60) -> RunningService:
        if name in self.running and self.running[name].process.poll() is None:
            return self.running[name]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        log_path = ARTIFACTS / f"{name}-{self.infra.namespace}.log"
        env = {**self.env, **(extra_env or {})}
        command = [*SERVICES[name], "--port", str(self.ports[name])]
        with open(log_path, "ab") as log:
            process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
        service = RunningService(name, self.url(name), process, log_path)
        self.running[name] = service
        wait_healthy(service, timeout)
        return service

    def restart(self, name: str, sig: int = 15, extra_env: dict[str, str] | None = None) -> RunningService:
        if name in self.running:
            self.running.pop(name).stop(sig)
        return self.start(name, extra_env)

    def stop_all(self) -> None:
        for service in reversed(list(self.running.values())):
            service.stop()
        self.running.clear()


def wait_healthy(service: RunningService, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            raise RuntimeError(f"{service.name} exited with {service.process.returncode}:\n{service.log_tail()}")
        try:
            response = httpx.get(f"{service.url}/healthz", timeout=1)
            if response.status_code == 200:
                return
            last = f"HTTP {response.status_code}"
        except httpx.HTTPError as exc:
            last = str(exc)
        time.sleep(0.1)
    raise RuntimeError(f"{service.name} not healthy after {timeout}s ({last}):\n{service.log_tail()}")


def wait_ready(url: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    body: dict = {}
    while time.monotonic() < deadline:
        try:
            response = httpx.get(f"{url}/readyz", timeout=2)
            body = response.json()
            if response.status_code == 200:
                return body
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} not ready after {timeout}s: {body}")
