"""Where each integration's stored secret is sent, by config field, so that a secret stays bound to
the host it was entered for: a changed host needs the secret entered again (integration_settings.service)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from anken_worker.connectors import REAL_DRIVE_URL, REAL_GOOGLE_TOKEN_URL, REAL_SHEETS_URL, REAL_SLACK_URL

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


def field_url(integration: str, field: str, config: dict[str, Any]) -> str | None:
    """The URL a config field stands for (its default when unset), or None."""
    value = config.get(field)
    if field == "site" and value:
        return f"https://{str(value).strip().strip('/')}/"
    if value:
        return str(value)
    return DEFAULTS.get((integration, field))


def _host(url: str | None) -> str | None:
    if not url:
        return None
    try:
        parts = urlsplit(url)
        return f"{(parts.hostname or '').lower()}:{parts.port or ''}"
    except ValueError:
        return url


def changed_host_fields(integration: str, before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The config fields whose host differs between two configs."""
    return [f for f in URL_FIELDS.get(integration, ())
            if _host(field_url(integration, f, before)) != _host(field_url(integration, f, after))]
