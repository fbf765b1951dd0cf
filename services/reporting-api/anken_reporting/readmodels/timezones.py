"""Local days of instants in a project's time zone."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Tokyo"


@lru_cache(maxsize=256)
def zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def local_day(instant: datetime, timezone: str | None) -> date:
    """The calendar day `instant` falls on in `timezone` (naive instants are taken as UTC)."""
    if instant.tzinfo is None:
        from datetime import UTC

        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(zone(timezone)).date()


def today_in(timezone: str | None) -> date:
    return datetime.now(zone(timezone)).date()
