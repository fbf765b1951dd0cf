"""The next weekly meeting of a project from its weekday and local time."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from anken_reporting.readmodels.timezones import zone


def next_weekly_meeting(weekday: int | None, hhmm: str | None, timezone: str, now: datetime) -> datetime | None:
    """The first meeting at or after `now` (aware, in the project's zone); None when not scheduled."""
    if weekday is None or not hhmm:
        return None
    try:
        hour, minute = (int(part) for part in hhmm.split(":", 1))
        at = time(hour, minute)
    except ValueError:
        return None
    local_now = now.astimezone(zone(timezone))
    days_ahead = (weekday - local_now.weekday()) % 7
    candidate = datetime.combine(local_now.date() + timedelta(days=days_ahead), at, tzinfo=zone(timezone))
    if candidate < local_now:
        candidate += timedelta(days=7)
    return candidate
