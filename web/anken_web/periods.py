"""Period picker choices: turn "this month", "last 7 days"… into the from/to dates the APIs take
(`from` inclusive, `to` exclusive), and the equally long period just before, for comparison."""

from __future__ import annotations

from contextlib import suppress
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from anken_web.i18n.extraction import N_

PRESETS = {
    "today": N_("Today"),
    "7d": N_("Last 7 days"),
    "month": N_("This month"),
    "last_month": N_("Last month"),
    "30d": N_("Last 30 days"),
}


def today_in(tz: str) -> date:
    return datetime.now(ZoneInfo(tz)).date()


def preset_range(preset: str, tz: str) -> tuple[date, date]:
    today = today_in(tz)
    tomorrow = today + timedelta(days=1)
    if preset == "today":
        return today, tomorrow
    if preset == "7d":
        return today - timedelta(days=6), tomorrow
    if preset == "30d":
        return today - timedelta(days=29), tomorrow
    if preset == "last_month":
        first_this = today.replace(day=1)
        return (first_this - timedelta(days=1)).replace(day=1), first_this
    return today.replace(day=1), tomorrow


def resolve(preset: str | None, start: str | None, end: str | None, tz: str) -> tuple[date, date, str]:
    """The period asked for: explicit dates win over a preset; an inverted range is swapped."""
    with suppress(ValueError):  # an unreadable date falls back to the preset
        if start and end:
            first, last = date.fromisoformat(start), date.fromisoformat(end)
            first, last = min(first, last), max(first, last)
            return first, last + timedelta(days=1), "custom"
    chosen = preset if preset in PRESETS else "month"
    first, after = preset_range(chosen, tz)
    return first, after, chosen


def previous(first: date, after: date) -> tuple[date, date]:
    length = after - first
    return first - length, first
