"""projects-api settings, from the environment."""

from __future__ import annotations

from functools import lru_cache

from anken_common.settings import CommonSettings, load_settings

SCHEMA = "projects"


class ProjectsSettings(CommonSettings):
    port: int = 8001
    # Demo mode loads demo data once and allows the demo password; never on in production.
    anken_demo: bool = False
    anken_demo_password: str = "anken-demo"
    token_ttl_s: int = 12 * 3600
    # Partner API keys: token bucket per key (capacity, refill per second).
    api_key_rate_capacity: int = 120
    api_key_rate_per_s: float = 20.0
    outbox_relay_enabled: bool = True
    outbox_relay_interval_s: float = 0.1


@lru_cache
def get_settings() -> ProjectsSettings:
    return load_settings(ProjectsSettings)
