"""Configuration errors stop a service with one clear line; an unreachable database is
reported by /readyz (503 naming it) while the process stays up."""

from __future__ import annotations

import subprocess

import httpx
import pytest

from harness.infra import devstack
from harness.processes import RunningService, wait_healthy

SERVE_COMMANDS = {
    "projects": ["anken-projects", "serve"],
    "reporting": ["anken-reporting", "serve"],
    "worker": ["anken-worker", "run"],
}


def _run_with(env: dict[str, str], command: list[str], **overrides: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*command, "--port", str(devstack.free_port())], env={**env, **overrides},
        capture_output=True, text=True, timeout=60,
    )


@pytest.mark.parametrize("name", sorted(SERVE_COMMANDS))
def test_malformed_database_url_stops_with_one_line_naming_it(service_env, name) -> None:
    result = _run_with(service_env, SERVE_COMMANDS[name], DATABASE_URL="mysql://nope")
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [lines[0]] and lines[0].startswith("configuration error: DATABASE_URL:"), result.stderr


@pytest.mark.parametrize("name", sorted(SERVE_COMMANDS))
def test_production_without_secret_refuses_to_start(service_env, name) -> None:
    env = {k: v for k, v in service_env.items() if k != "ANKEN_SECRET_KEY"}
    result = _run_with(env, SERVE_COMMANDS[name], ANKEN_ENV="production")
    assert result.returncode == 2
    assert "ANKEN_SECRET_KEY" in result.stderr


def test_unreachable_database_is_not_ready_but_alive(service_env, tmp_path) -> None:
    dead_port = devstack.free_port()
    env = {**service_env, "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{dead_port}/nothing"}
    port = devstack.free_port()
    log = tmp_path / "projects.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(["anken-projects", "serve", "--port", str(port)], env=env, stdout=out, stderr=out)
    service = RunningService("projects", f"http://127.0.0.1:{port}", process, log)
    try:
        wait_healthy(service, 30)
        response = httpx.get(f"{service.url}/readyz", timeout=5)
        assert response.status_code == 503
        body = response.json()
        assert body["failing"] == ["database"]
        assert body["checks"]["redis"] == "ok"
        assert "database_unreachable" in log.read_text()
    finally:
        service.stop()
