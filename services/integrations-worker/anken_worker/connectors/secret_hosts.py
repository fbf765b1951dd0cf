"""Where each integration's secret is sent, by config field, so that a secret stays bound to the
origin (scheme, host, port) it was entered for:

- a stored secret: a changed origin needs the secret entered again (integration_settings.service);
- the deployment's own credentials (environment): used only with the environment's base URLs or the
  vendor's defaults, never with an origin a user typed into a settings row (a row naming its own
  host must carry its own secret; connectors refuse to fall back at send time).
"""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import urlsplit

REAL_SLACK_URL = "https://slack.com/api/"
REAL_SHEETS_URL = "https://sheets.googleapis.com/v4/"
REAL_DRIVE_URL = "https://www.googleapis.com/drive/v3/"
REAL_GOOGLE_TOKEN_URL = "https://oauth2.googleapis.com/token"

# Config fields naming a URL (or, for `site`, a host) that an integration calls with its secret.
URL_FIELDS: dict[str, tuple[str, ...]] = {
    "slack": ("api_url",),
    "confluence": ("api_url", "site"),
    "sheets": ("api_url", "drive_api_url", "token_url"),
}
DEFAULTS: dict[tuple[str, str], str] = {
    ("slack", "api_url"): REAL_SLACK_URL, ("sheets", "api_url"): REAL_SHEETS_URL,
    ("sheets", "drive_api_url"): REAL_DRIVE_URL, ("sheets", "token_url"): REAL_GOOGLE_TOKEN_URL,
}
# The environment setting (WorkerSettings attribute) holding the deployment's own URL for a field.
ENV_URL_SETTINGS: dict[tuple[str, str], str] = {
    ("slack", "api_url"): "slack_api_url", ("confluence", "api_url"): "confluence_api_url",
    ("confluence", "site"): "confluence_api_url", ("sheets", "api_url"): "sheets_api_url",
    ("sheets", "drive_api_url"): "drive_api_url", ("sheets", "token_url"): "google_token_url",
}
DEFAULT_PORTS = {"http": 80, "https": 443}
Origin = tuple[str, str, int | None]


class EnvironmentUrls(Protocol):
    """The part of WorkerSettings read here (base URLs, sandbox defaults already applied)."""

    slack_api_url: str
    confluence_api_url: str
    sheets_api_url: str
    drive_api_url: str
    google_token_url: str


def field_url(integration: str, field: str, config: dict[str, Any]) -> str | None:
    """The URL a config field stands for (its default when unset), or None."""
    value = config.get(field)
    if field == "site" and value:
        return f"https://{str(value).strip().strip('/')}/"
    if value:
        return str(value)
    return DEFAULTS.get((integration, field))


def origin(url: str | None) -> Origin | None:
    """(scheme, host, port) of a URL, the port made explicit: https://x/ and http://x/ differ, as do
    https://x/ and https://x:8443/."""
    if not url:
        return None
    try:
        parts = urlsplit(str(url).strip())
        scheme = parts.scheme.lower()
        return scheme, (parts.hostname or "").rstrip(".").lower(), parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:
        return "", str(url), None


def changed_host_fields(integration: str, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The config fields whose origin differs between two configs."""
    return [f for f in URL_FIELDS.get(integration, ())
            if origin(field_url(integration, f, before)) != origin(field_url(integration, f, after))]


def environment_origins(integration: str, field: str, env: EnvironmentUrls) -> set[Origin]:
    """The origins the deployment's own credentials may go to for this field: the environment's base
    URL (the sandbox's unless configured) and the vendor's default."""
    urls = [getattr(env, ENV_URL_SETTINGS[(integration, field)], None), DEFAULTS.get((integration, field))]
    return {o for o in map(origin, urls) if o is not None}


def custom_host_fields(integration: str, config: dict[str, Any], env: EnvironmentUrls) -> list[str]:
    """The config fields set to an origin the deployment's credentials may not be sent to."""
    return [f for f in URL_FIELDS.get(integration, ()) if config.get(f)
            and origin(field_url(integration, f, config)) not in environment_origins(integration, f, env)]
