"""Sandbox settings, from the environment (SANDBOX_* variables); most can be changed at runtime via /_sandbox/config."""

from __future__ import annotations

from pydantic import Field, field_validator

from anken_common.settings import CommonSettings, Environment, load_settings


class SandboxSettings(CommonSettings):
    port: int = 8010
    # Accept service-account assertions from unregistered issuers without checking the signature,
    # so that `make run` works before anyone registers a key; claims are still verified.
    sandbox_oauth_permissive: bool = True
    # users.lookupByEmail invents a user for an unknown e-mail instead of answering users_not_found.
    sandbox_slack_auto_users: bool = True
    # chat.postMessage per channel: sustained messages per second and burst size (Slack: ~1/s, short bursts).
    sandbox_slack_channel_rate_per_s: float = 1.0
    sandbox_slack_channel_burst: int = 3
    # Multiplier of Slack's per-method tier limits (Tier 2 = 20/min ...); raise it for benchmarks.
    sandbox_slack_tier_scale: float = 1.0
    # Sheets per-minute quota per service account, separately for reads and writes (Google: 60/min/user).
    sandbox_sheets_quota_per_minute: int = 60
    # Requests kept in the /_sandbox/requests log.
    sandbox_request_log_size: int = 5000
    # Where Slack, Confluence, Sheets/Drive, OAuth and webhook data is kept across restarts (JSON, written
    # atomically at most every `sandbox_state_save_interval_s` when changed, and on shutdown). Unset: memory only.
    sandbox_state_file: str | None = None
    sandbox_state_save_interval_s: float = Field(2.0, gt=0)
    # The SMTP catcher `anken-sandbox serve` starts (mail/smtp_server.py): every mail sent to it is kept and
    # shown at /_sandbox/mail/messages. 0 or empty: no catcher.
    sandbox_smtp_host: str = "127.0.0.1"
    sandbox_smtp_port: int = Field(8025, ge=0, le=65_535)

    @field_validator("sandbox_smtp_port", mode="before")
    @classmethod
    def _empty_port_disables(cls, value: object) -> object:
        return 0 if value is None or (isinstance(value, str) and not value.strip()) else value

    @field_validator("anken_env")
    @classmethod
    def _never_in_production(cls, value: Environment) -> Environment:
        # It accepts any token and any unsigned assertion: in production it would be a way around
        # every credential check of the integrations.
        if value == Environment.production:
            raise ValueError("the sandbox is for development and tests and refuses to start in production")
        return value


def get_sandbox_settings() -> SandboxSettings:
    return load_settings(SandboxSettings)
