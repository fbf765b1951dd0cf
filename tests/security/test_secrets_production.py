"""Production refuses placeholder secrets and a Redis without a password, with one line naming the
variable: the dev secret, any value written in .env.example, anything under 32 bytes of entropy
(anken_common.settings.secret_problem), for ANKEN_SECRET_KEY, ANKEN_ENCRYPTION_KEY and
WEB_SESSION_KEY; and the user-status check cannot be turned off there.

Before the fix production refused only the dev secret itself: `change-me-to-a-long-random-string`
from .env.example, or "secret1234567890", started all three services.
"""

from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from anken_common.settings import DEV_SECRET, load_settings
from anken_projects.settings import ProjectsSettings
from anken_reporting.settings import ReportingSettings
from anken_web.settings import WebSettings
from anken_worker.settings import WorkerSettings
from harness.infra import ROOT, devstack

GOOD_SECRET = secrets.token_urlsafe(32)
GOOD_REDIS = "redis://:" + secrets.token_urlsafe(24) + "@redis:6379/0"
PRODUCTION = {
    "ANKEN_ENV": "production", "REDIS_URL": GOOD_REDIS, "ANKEN_SECRET_KEY": GOOD_SECRET,
    "ANKEN_ENCRYPTION_KEY": Fernet.generate_key().decode(), "WEB_SESSION_KEY": secrets.token_urlsafe(32),
    "DATABASE_URL": f"postgresql://anken:{secrets.token_urlsafe(24)}@postgres:5432/anken", "USER_STATUS_CHECK": "1",
}
# Which settings read which secret.
READERS = {"ANKEN_SECRET_KEY": ProjectsSettings, "ANKEN_ENCRYPTION_KEY": WorkerSettings, "WEB_SESSION_KEY": WebSettings}


def env_example_values() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        name, sep, value = line.partition("=")
        if sep and not line.startswith("#"):
            values[name.strip()] = value.strip()
    return values


def weak_values() -> list[tuple[str, str]]:
    example = env_example_values()
    return [
        ("the dev secret", DEV_SECRET),
        *[(f".env.example's {name}", value) for name, value in example.items() if name in READERS and value],
        ("a short random value (16 bytes)", secrets.token_urlsafe(16)),
        ("32 hex characters (16 bytes)", secrets.token_hex(16)),
        ("one character repeated", "x" * 64),
        ("a short pattern repeated", "Ab3_Ab3_" * 8),
        ("few distinct characters", "0101100110101100" * 4 + "2345"),
        ("a readable phrase", "a-real-production-secret-123"),
    ]


def configuration_errors(monkeypatch, capsys, cls, **env: str) -> list[str]:
    """The lines load_settings prints (it exits 2) for `env`, or [] when the settings load."""
    for name, value in {**PRODUCTION, **env}.items():
        monkeypatch.setenv(name, value)
    try:
        load_settings(cls)
    except SystemExit as exc:
        assert exc.code == 2
        return [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    return []


@pytest.mark.parametrize("variable", sorted(READERS))
@pytest.mark.parametrize(("what", "value"), weak_values(), ids=[what for what, _ in weak_values()])
def test_production_refuses_a_weak_or_placeholder_secret(monkeypatch, capsys, variable, what, value) -> None:
    errors = configuration_errors(monkeypatch, capsys, READERS[variable], **{variable: value})
    assert errors and errors[0].startswith(f"configuration error: {variable}: "), (what, errors)


@pytest.mark.parametrize("cls", [ProjectsSettings, ReportingSettings, WorkerSettings, WebSettings])
def test_production_accepts_real_secrets(monkeypatch, capsys, cls) -> None:
    assert configuration_errors(monkeypatch, capsys, cls) == []


def test_random_hex_of_32_bytes_is_accepted(monkeypatch, capsys) -> None:
    assert configuration_errors(monkeypatch, capsys, ProjectsSettings, ANKEN_SECRET_KEY=secrets.token_hex(32)) == []


@pytest.mark.parametrize("cls", [ProjectsSettings, ReportingSettings, WorkerSettings, WebSettings])
@pytest.mark.parametrize("url", ["redis://redis:6379/0", "redis://user@redis:6379/0", "rediss://redis:6380/0",
                                 "redis://:change-me-redis-password@redis:6379/0"])
def test_production_refuses_redis_without_a_real_password(monkeypatch, capsys, cls, url) -> None:
    errors = configuration_errors(monkeypatch, capsys, cls, REDIS_URL=url)
    assert errors == [errors[0]] and errors[0].startswith("configuration error: REDIS_URL: "), errors


def test_the_env_example_redis_url_is_refused_as_is(monkeypatch, capsys) -> None:
    url = env_example_values()["REDIS_URL"]
    assert configuration_errors(monkeypatch, capsys, ProjectsSettings, REDIS_URL=url)[0].startswith(
        "configuration error: REDIS_URL: ")


def test_the_web_needs_its_own_cookie_key_and_not_the_master(monkeypatch, capsys) -> None:
    monkeypatch.delenv("WEB_SESSION_KEY", raising=False)
    env = {k: v for k, v in PRODUCTION.items() if k != "WEB_SESSION_KEY"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("ANKEN_SECRET_KEY", DEV_SECRET)  # what a web without the master has by default
    with pytest.raises(SystemExit):
        load_settings(WebSettings)
    assert capsys.readouterr().err.strip() == ("configuration error: WEB_SESSION_KEY: must be set in production "
                                               "(a random key of its own, not ANKEN_SECRET_KEY)")
    monkeypatch.setenv("WEB_SESSION_KEY", secrets.token_urlsafe(32))
    load_settings(WebSettings)  # the dev master secret does not matter to the web


@pytest.mark.parametrize("cls", [ReportingSettings, WorkerSettings])
def test_production_keeps_the_user_status_check_on(monkeypatch, capsys, cls) -> None:
    errors = configuration_errors(monkeypatch, capsys, cls, USER_STATUS_CHECK="0")
    assert errors and errors[0].startswith("configuration error: USER_STATUS_CHECK: "), errors


def test_a_service_started_with_the_env_example_secret_stops_with_one_line(service_env) -> None:
    env = {**service_env, **PRODUCTION, "ANKEN_SECRET_KEY": env_example_values()["ANKEN_SECRET_KEY"]}
    result = subprocess.run(["anken-projects", "serve", "--port", str(devstack.free_port())], env=env,
                            capture_output=True, text=True, timeout=60, cwd=Path(ROOT))
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert lines == [lines[0]] and lines[0].startswith("configuration error: ANKEN_SECRET_KEY: is a placeholder")


def test_production_refuses_the_example_database_password(monkeypatch, capsys) -> None:
    example = env_example_values()["DATABASE_URL"]
    for url in (example, "postgresql://anken:postgres@db:5432/anken", "postgresql://anken:short@db/anken"):
        errors = configuration_errors(monkeypatch, capsys, ProjectsSettings, DATABASE_URL=url)
        assert errors and errors[0].startswith("configuration error: DATABASE_URL:"), (url, errors)
    # No password in the URL is certificate, peer or .pgpass authentication: the operator's choice.
    assert configuration_errors(monkeypatch, capsys, ProjectsSettings,
                                DATABASE_URL="postgresql://anken@db:5432/anken?sslmode=verify-full") == []
    assert configuration_errors(monkeypatch, capsys, ProjectsSettings,
                                DATABASE_URL="postgresql://postgres:@/anken?host=/run/postgresql") == []
