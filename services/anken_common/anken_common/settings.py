"""Settings base shared by every service: one settings object per service, read from the environment."""

from __future__ import annotations

import math
import sys
from enum import StrEnum
from typing import ClassVar, TypeVar
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "anken-dev-secret-do-not-use-in-production"
# Values that appear in .env.example (or read like one): never a production secret.
PLACEHOLDER_SECRETS = frozenset({DEV_SECRET, "change-me-to-a-long-random-string", "anken-demo"})
PLACEHOLDER_WORDS = ("change-me", "changeme", "change_me", "placeholder", "example", "your-secret")
MIN_SECRET_BITS = 256
MIN_DISTINCT_CHARACTERS = 12
HEX = frozenset("0123456789abcdefABCDEF")
BASE64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_")
GENERATE_HINT = "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(32))'"


def estimated_secret_bits(value: str) -> float:
    """Length × log2(alphabet), the alphabet being the smallest of hex (16), base64 (64) or
    printable ASCII (95) that holds every character: what the value would carry if random."""
    characters = set(value)
    alphabet = 16 if characters <= HEX else 64 if characters <= BASE64 else 95
    return len(value) * math.log2(alphabet)


def secret_problem(value: str) -> str | None:
    """Why `value` cannot be a production secret, or None.

    Refused: the development default and values from .env.example (or containing words such as
    "change-me"), anything under 32 bytes (256 bits) of entropy by `estimated_secret_bits` (so at
    least 64 hex characters, 43 base64 characters or 39 others), fewer than 12 distinct
    characters, and a short pattern repeated.
    """
    if not value:
        return f"must be set in production; {GENERATE_HINT}"
    lowered = value.lower()
    if value in PLACEHOLDER_SECRETS or any(word in lowered for word in PLACEHOLDER_WORDS):
        return f"is a placeholder (the development default or a value from .env.example); {GENERATE_HINT}"
    if estimated_secret_bits(value) < MIN_SECRET_BITS:
        return f"has under 32 bytes of entropy (at least 43 base64 or 64 hex characters); {GENERATE_HINT}"
    if len(set(value)) < MIN_DISTINCT_CHARACTERS or _repeats_a_pattern(value):
        return f"is too regular to be random (few distinct characters or a repeated pattern); {GENERATE_HINT}"
    return None


# Database passwords that .env.example, docker images' docs and tutorials use.
PLACEHOLDER_DB_PASSWORDS = frozenset({"anken", "postgres", "password", "secret", "admin"})


def database_url_problem(value: str) -> str | None:
    """Production PostgreSQL must not use a placeholder password (a URL without one is certificate,
    peer or .pgpass authentication, which is the operator's choice)."""
    password = urlsplit(value).password
    if not password:
        return None
    if len(password) < 12 or password.lower() in PLACEHOLDER_DB_PASSWORDS or any(
        word in password.lower() for word in PLACEHOLDER_WORDS
    ):
        return "carries a placeholder or short password (a value from .env.example); use a long random one"
    return None


def _repeats_a_pattern(value: str) -> bool:
    return any(value == (value[:size] * (len(value) // size + 1))[:len(value)] for size in range(1, len(value) // 2 + 1))


def _in_production(info: ValidationInfo) -> bool:
    return info.data.get("anken_env") == Environment.production


def redis_url_problem(value: str) -> str | None:
    """Production Redis must ask for a password (redis://:password@host or redis://user:password@host)."""
    if value.startswith("unix://"):
        return None if "password=" in value else "must carry a password in production (unix://…?password=…)"
    password = urlsplit(value).password
    if not password:
        return "must carry a password in production, e.g. redis://:PASSWORD@redis:6379/0"
    if any(word in password.lower() for word in PLACEHOLDER_WORDS):
        return "carries a placeholder password (a value from .env.example)"
    return None


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class CommonSettings(BaseSettings):
    """Variables every service reads. Names are the environment variable names (case-insensitive)."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    anken_env: Environment = Environment.development
    database_url: str = "postgresql://postgres@127.0.0.1:5432/anken"
    redis_url: str = Field(default="redis://127.0.0.1:6379/0", validate_default=True)
    # Prefix of every Redis key, stream and queue this deployment uses, so that test runs
    # and several deployments can share one Redis without seeing each other.
    redis_namespace: str = "anken"
    # The master secret: token signing keys are derived from it (anken_common.auth_tokens).
    anken_secret_key: str = Field(default=DEV_SECRET, min_length=16, validate_default=True)
    # reporting-api and the worker ask projects-api whether a user token still counts
    # (anken_common.user_status). Only test suites that sign tokens for users that do not exist
    # turn it off; production refuses that.
    user_status_check: bool = True
    log_level: str = "INFO"
    log_json: bool = True
    projects_api_url: str = "http://127.0.0.1:8001"
    reporting_api_url: str = "http://127.0.0.1:8002"
    worker_url: str = "http://127.0.0.1:8003"
    sandbox_url: str = "http://127.0.0.1:8010"
    max_body_bytes: int = 20 * 1024 * 1024

    @field_validator("database_url")
    @classmethod
    def _database_url_is_postgres(cls, value: str) -> str:
        if not value.startswith(("postgresql://", "postgres://", "postgresql+asyncpg://")):
            raise ValueError("must be a postgresql:// URL, e.g. postgresql://user@host:5432/anken")
        if "@" not in value and "///" not in value and "host=" not in value:
            raise ValueError("must name a host, e.g. postgresql://user@host:5432/anken")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url_is_redis(cls, value: str) -> str:
        if not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must be a redis:// URL, e.g. redis://127.0.0.1:6379/0")
        return value

    # Services that sign or verify tokens need the master secret; the web front end does not
    # (it signs only its cookie, with WEB_SESSION_KEY) and sets this to False.
    needs_master_secret: ClassVar[bool] = True

    @field_validator("anken_secret_key")
    @classmethod
    def _secret_key_fit_for_production(cls, value: str, info: ValidationInfo) -> str:
        if cls.needs_master_secret and _in_production(info) and (problem := secret_problem(value)):
            raise ValueError(problem)
        return value

    @field_validator("anken_encryption_key", "web_session_key", check_fields=False)
    @classmethod
    def _other_secrets_fit_for_production(cls, value: str, info: ValidationInfo) -> str:
        # Empty means "not configured": each service that needs the variable says so itself.
        if value and _in_production(info) and (problem := secret_problem(value)):
            raise ValueError(problem)
        return value

    @field_validator("database_url")
    @classmethod
    def _database_password_fit_for_production(cls, value: str, info: ValidationInfo) -> str:
        if _in_production(info) and (problem := database_url_problem(value)):
            raise ValueError(problem)
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_needs_a_password_in_production(cls, value: str, info: ValidationInfo) -> str:
        if _in_production(info) and (problem := redis_url_problem(value)):
            raise ValueError(problem)
        return value

    @field_validator("user_status_check")
    @classmethod
    def _user_status_checked_in_production(cls, value: bool, info: ValidationInfo) -> bool:
        if not value and _in_production(info):
            raise ValueError("cannot be off in production")
        return value

    @property
    def async_database_url(self) -> str:
        """The DATABASE_URL in the form SQLAlchemy's asyncpg dialect expects."""
        url = self.database_url
        for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
            if url.startswith(prefix):
                return "postgresql+asyncpg://" + url[len(prefix):]
        return url

    @property
    def asyncpg_dsn(self) -> str:
        """The DATABASE_URL in the form asyncpg.connect expects."""
        return self.async_database_url.replace("postgresql+asyncpg://", "postgresql://", 1)

    def redis_key(self, *parts: str) -> str:
        return ":".join((self.redis_namespace, *parts))


S = TypeVar("S", bound=BaseSettings)


def load_settings(cls: type[S]) -> S:
    """Build the settings, or stop the process with one clear line naming the variable."""
    try:
        return cls()
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            variable = ".".join(str(p) for p in error["loc"]).upper() or "settings"
            message = error["msg"].removeprefix("Value error, ")
            lines.append(f"configuration error: {variable}: {message}")
        print("\n".join(lines), file=sys.stderr)
        raise SystemExit(2) from None
