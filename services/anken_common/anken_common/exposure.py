"""What a service shows about itself: the API docs (/docs, /redoc, /openapi.json) and /metrics.

Read from the environment by every service's app factory:
- EXPOSE_DOCS: serve the docs and the OpenAPI document. Default: on, except in production.
- METRICS_TOKEN: when set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`
  (a production token must be a real secret, as ANKEN_SECRET_KEY).
- EXPOSE_METRICS: `false` turns /metrics off; `true` serves it without a token in production too
  (a scrape over a private network). Default: on outside production; in production, on only
  behind METRICS_TOKEN.
"""

from __future__ import annotations

from pydantic import ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from anken_common.settings import Environment, secret_problem


class ExposureSettings(BaseSettings):
    # An empty variable (as .env.example leaves them) means "not set": the default applies.
    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False, env_ignore_empty=True)

    anken_env: Environment = Environment.development
    expose_docs: bool | None = None
    expose_metrics: bool | None = None
    metrics_token: str = ""

    @field_validator("metrics_token")
    @classmethod
    def _token_fit_for_production(cls, value: str, info: ValidationInfo) -> str:
        if value and info.data.get("anken_env") == Environment.production and (problem := secret_problem(value)):
            raise ValueError(problem)
        return value

    @property
    def production(self) -> bool:
        return self.anken_env == Environment.production

    @property
    def docs_enabled(self) -> bool:
        return self.expose_docs if self.expose_docs is not None else not self.production

    @property
    def metrics_enabled(self) -> bool:
        """/metrics is served unless turned off: behind its token when there is one; without a
        token outside production, or in production only when asked for."""
        if self.expose_metrics is False:
            return False
        return bool(self.metrics_token) or bool(self.expose_metrics) or not self.production
