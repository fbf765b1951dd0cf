"""reporting-api settings, from the environment."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field

from anken_common.settings import CommonSettings, load_settings

SCHEMA = "reporting"


class ReportingSettings(CommonSettings):
    port: int = 8002
    # The events consumer keeps the read models current; tests that feed events by hand turn it off.
    event_consumer_enabled: bool = True
    # Events another consumer of the group has held unacknowledged this long are taken over: the
    # consumer is named after the host, so a container restarted under a new name would otherwise
    # leave its predecessor's pending events behind for ever (as the worker's CLAIM_IDLE_MS).
    consumer_claim_idle_s: float = Field(60.0, ge=0)
    outbox_relay_enabled: bool = True
    outbox_relay_interval_s: float = 0.2
    # Partner API keys are introspected at projects-api; answers are cached this long (unknown
    # keys for the shorter time, a key never past its expiry).
    introspection_cache_s: float = 30.0
    introspection_negative_cache_s: float = 10.0
    # Partner API keys: token bucket per key (capacity, refill per second); a report render costs CPU.
    api_key_rate_capacity: int = 60
    api_key_rate_per_s: float = 5.0
    # Portfolio pace status: pace ≥ on_track → on_track, ≥ at_risk → at_risk, else behind.
    pace_on_track: float = 1.0
    pace_at_risk: float = 0.8
    # Member pace alerts: after `alert_min_calls` calls today, a member's rate below
    # `alert_ratio` × the project's trailing average (over `alert_trailing_days` business days) raises.
    alert_min_calls: int = 30
    alert_ratio: float = 0.5
    alert_trailing_days: int = 20
    alert_min_trailing_contacts: int = 20
    # The web app's address (WEB_URL): links posted to Slack and Confluence open its report page.
    web_url: str = "http://127.0.0.1:8000"
    # Shared weekly report links (web /r/<token>) last this many days unless the creator asks for fewer or more.
    report_link_ttl_days: int = Field(14, ge=1, le=90)
    # Rebuild: page size when replaying projects-api's export.
    rebuild_page_size: int = 5000


@lru_cache
def get_settings() -> ReportingSettings:
    return load_settings(ReportingSettings)
