"""The one clock of every service: aware UTC time."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """This moment, timezone-aware in UTC (never a naive datetime)."""
    return datetime.now(UTC)
