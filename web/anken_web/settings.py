"""anken-web settings, from the environment."""

from __future__ import annotations

from functools import lru_cache
from typing import ClassVar

from pydantic import Field, ValidationInfo, field_validator

from anken_common.auth_tokens import KeyPurpose, derive_key
from anken_common.settings import CommonSettings, Environment, load_settings


class WebSettings(CommonSettings):
    # The web front end signs its cookie with a key of its own and never holds ANKEN_SECRET_KEY
    # in production: a compromised web process cannot mint tokens the APIs accept.
    needs_master_secret: ClassVar[bool] = False

    port: int = 8000
    # Signs the session cookie. Required in production; in development and tests it is derived
    # from ANKEN_SECRET_KEY (the same derivation `make run` and the test harness use).
    web_session_key: str = Field(default="", validate_default=True)
    # How long a login lasts in the browser; the API token's own expiry also ends it.
    session_max_age_s: int = 12 * 3600
    session_cookie_name: str = "anken_session"
    # Seconds for calls to the APIs; the web answers with a human error when they pass.
    api_timeout_s: float = 10.0
    default_locale: str = "ja"
    # Director home refresh interval (HTMX polling), seconds.
    portfolio_poll_s: int = 30
    # Calling screen: an outcome key counts only once the company has been on screen this long, so
    # a double press or a held key never logs a call on a company the member has not seen.
    calling_min_dwell_ms: int = Field(default=300, ge=0, le=5000)
    # Demo mode (ANKEN_DEMO, on under `make run`): pages show the first-login guide.
    anken_demo: bool = False

    @field_validator("web_session_key")
    @classmethod
    def _production_needs_a_cookie_key(cls, value: str, info: ValidationInfo) -> str:
        if not value and info.data.get("anken_env") == Environment.production:
            raise ValueError("must be set in production (a random key of its own, not ANKEN_SECRET_KEY)")
        return value

    @property
    def cookie_key(self) -> str:
        return self.web_session_key or derive_key(self.anken_secret_key, KeyPurpose.web_cookie.value)

    @property
    def session_cookie_secure(self) -> bool:
        """Cookies travel over HTTPS only in production (local and test runs use plain HTTP)."""
        return self.anken_env == Environment.production


@lru_cache
def get_settings() -> WebSettings:
    return load_settings(WebSettings)
