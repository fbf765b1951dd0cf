"""projects-api settings, from the environment."""

from __future__ import annotations

from email.utils import parseaddr
from functools import lru_cache

from pydantic import Field, SecretStr, ValidationInfo, field_validator

from anken_common.settings import CommonSettings, Environment, load_settings
from anken_projects.auth.client_address import Network, parse_networks

SCHEMA = "projects"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


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
    # Approach-list imports (targets/import_limits.py): rows below the header, upload bytes,
    # columns read, and seconds a job may run before it is stopped as failed.
    import_max_rows: int = Field(default=50_000, ge=1, le=1_000_000)
    import_max_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    import_max_columns: int = Field(default=200, ge=10, le=16_384)
    import_wall_time_s: float = Field(default=300.0, gt=0, le=86_400)
    # An XLSX's shared strings (held in memory while its sheet is read): entries, inflated bytes
    # of the part, characters of all entries. Past any of them the file is refused.
    import_max_shared_strings: int = Field(default=1_000_000, ge=1)
    import_max_shared_strings_bytes: int = Field(default=32 * 1024 * 1024, ge=1024)
    import_max_shared_string_chars: int = Field(default=16_000_000, ge=1)
    # Imports running at once in one process (more wait `queued`), and the threads reading their
    # files: their own pool, so password hashing (on the default executor) never waits behind them.
    import_max_concurrent: int = Field(default=2, ge=1, le=64)
    import_parse_threads: int = Field(default=2, ge=1, le=64)
    # Login throttle: failed logins per client address within 5 minutes, any emails (per email: 10).
    login_ip_max_failures: int = Field(default=100, ge=1)
    # Proxies whose X-Forwarded-For names the client (comma-separated IPs or CIDRs, e.g. the web
    # front end's address); empty: the direct peer is the client.
    trusted_proxies: str = ""
    # Invitation mail (invitations/mail.py). With SMTP_HOST set, invitations go out over SMTP in every
    # environment; unset, outside production the link is logged and shown to the inviter, in production
    # inviting answers 503. SMTP_TLS: implicit TLS from the first byte (port 465); otherwise SMTP_STARTTLS
    # requires the upgrade (never sends the password or the link in clear) unless turned off, as `make run`
    # does for the local sandbox's catcher.
    smtp_host: str = ""
    smtp_port: int = Field(default=587, ge=1, le=65_535)
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = True
    smtp_tls: bool = False
    smtp_timeout_s: float = Field(default=10.0, gt=0, le=120)
    mail_from: str = "Anken <no-reply@anken.example>"
    # The web app's address (WEB_URL, as reporting-api's): invitation mails link to its accept page.
    web_url: str = "http://127.0.0.1:8000"

    @field_validator("trusted_proxies")
    @classmethod
    def _trusted_proxies_are_addresses(cls, value: str) -> str:
        parse_networks(value)
        return value

    @field_validator("smtp_tls")
    @classmethod
    def _production_mail_is_encrypted(cls, value: bool, info: ValidationInfo) -> bool:
        # The mail carries a working password link: in production it never crosses a network in clear
        # (a relay on the same host may take it unencrypted).
        host = str(info.data.get("smtp_host", "")).strip()
        if (info.data.get("anken_env") == Environment.production and host and host not in LOCAL_HOSTS
                and not value and not info.data.get("smtp_starttls")):
            raise ValueError("SMTP_TLS or SMTP_STARTTLS must be on in production (the mail carries a password link)")
        return value

    @field_validator("mail_from")
    @classmethod
    def _mail_from_is_one_address(cls, value: str) -> str:
        if "\r" in value or "\n" in value or "@" not in parseaddr(value)[1]:
            raise ValueError('must be one address, e.g. "Anken <no-reply@anken.example.jp>"')
        return value

    @field_validator("web_url")
    @classmethod
    def _web_url_is_absolute(cls, value: str, info: ValidationInfo) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be the web app's absolute address, e.g. https://anken.example.jp")
        if (info.data.get("anken_env") == Environment.production and str(info.data.get("smtp_host", "")).strip()
                and value.rstrip("/") == "http://127.0.0.1:8000"):
            raise ValueError("must be set in production when mail is sent: invitation links open the web app there")
        return value.rstrip("/")

    @property
    def trusted_proxy_networks(self) -> list[Network]:
        return parse_networks(self.trusted_proxies)


@lru_cache
def get_settings() -> ProjectsSettings:
    return load_settings(ProjectsSettings)
