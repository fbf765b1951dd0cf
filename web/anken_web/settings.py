"""anken-web settings, from the environment."""

from __future__ import annotations

from functools import lru_cache

from anken_common.settings import CommonSettings, Environment, load_settings


class WebSettings(CommonSettings):
    port: int = 8000
    # How long a login lasts in the browser; the API token's own expiry also ends it.
    session_max_age_s: int = 12 * 3600
    session_cookie_name: str = "anken_session"
    # Seconds for calls to the APIs; the web answers with a human error when they pass.
    api_timeout_s: float = 10.0
    default_locale: str = "ja"
    # Director home refresh interval (HTMX polling), seconds.
    portfolio_poll_s: int = 30
    # Demo mode (ANKEN_DEMO, on under `make run`): pages show the first-login guide.
    anken_demo: bool = False

    @property
    def session_cookie_secure(self) -> bool:
        """Cookies travel over HTTPS only in production (local and test runs use plain HTTP)."""
        return self.anken_env == Environment.production


@lru_cache
def get_settings() -> WebSettings:
    return load_settings(WebSettings)
