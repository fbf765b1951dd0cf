"""Runtime-tunable behaviour of the sandbox (GET/PUT /_sandbox/config)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from anken_sandbox.settings import SandboxSettings


class SandboxConfig(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{
            "oauth_permissive": True, "slack_auto_users": True, "slack_channel_rate_per_s": 1.0,
            "slack_channel_burst": 3, "slack_tier_scale": 1.0, "sheets_quota_per_minute": 60,
        }]},
    )

    oauth_permissive: bool = Field(True, description="accept assertions from unregistered service accounts unverified")
    slack_auto_users: bool = Field(True, description="users.lookupByEmail creates unknown users instead of users_not_found")
    slack_channel_rate_per_s: float = Field(1.0, gt=0, description="chat.postMessage sustained rate per channel")
    slack_channel_burst: int = Field(3, ge=1, description="chat.postMessage burst per channel")
    slack_tier_scale: float = Field(1.0, gt=0, description="multiplier of Slack's per-method tier limits")
    sheets_quota_per_minute: int = Field(60, ge=1, description="Sheets reads and writes per minute per account")

    @classmethod
    def from_settings(cls, settings: SandboxSettings) -> SandboxConfig:
        return cls(
            oauth_permissive=settings.sandbox_oauth_permissive,
            slack_auto_users=settings.sandbox_slack_auto_users,
            slack_channel_rate_per_s=settings.sandbox_slack_channel_rate_per_s,
            slack_channel_burst=settings.sandbox_slack_channel_burst,
            slack_tier_scale=settings.sandbox_slack_tier_scale,
            sheets_quota_per_minute=settings.sandbox_sheets_quota_per_minute,
        )


class SandboxConfigPatch(BaseModel):
    """Fields to change; omitted ones keep their value."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"sheets_quota_per_minute": 3}]})

    oauth_permissive: bool | None = None
    slack_auto_users: bool | None = None
    slack_channel_rate_per_s: float | None = Field(None, gt=0)
    slack_channel_burst: int | None = Field(None, ge=1)
    slack_tier_scale: float | None = Field(None, gt=0)
    sheets_quota_per_minute: int | None = Field(None, ge=1)
