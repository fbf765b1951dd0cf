"""Settings base shared by every service: one settings object per service, read from the environment."""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import TypeVar

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_SECRET = "anken-dev-secret-do-not-use-in-production"


class Environment(StrEnum):
    development = "development"
    test = "test"
    production = "production"


class CommonSettings(BaseSettings):
    """Variables every service reads. Names are the environment variable names (case-insensitive)."""

    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    anken_env: Environment = Environment.development
    database_url: str = "postgresql://postgres@127.0.0.1:5432/anken"
    redis_url: str = "redis://127.0.0.1:6379/0"
    # Prefix of every Redis key, stream and queue this deployment uses, so that test runs
    # and several deployments can share one Redis without seeing each other.
    redis_namespace: str = "anken"
    anken_secret_key: str = Field(default=DEV_SECRET, min_length=16)
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

    @model_validator(mode="after")
    def _production_needs_a_secret(self) -> CommonSettings:
        if self.anken_env == Environment.production and self.anken_secret_key == DEV_SECRET:
            raise ValueError("ANKEN_SECRET_KEY must be set in production")
        return self

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
