"""Locale-aware display of what the APIs computed: numbers, rates, yen, dates and times.

Every helper accepts None (an API's "no value", e.g. a rate with a zero denominator) and
shows it as an em dash rather than 0, so a missing figure never looks like a real one.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_currency, format_decimal, format_percent

MISSING = "—"
DEFAULT_TZ = "Asia/Tokyo"
# A date as the APIs send it (ISO text) or as Python holds it; named so that Formatter.date cannot shadow it.
DateValue = str | date | None


def as_number(value: object) -> float | int | None:
    """A real number, or None for anything else (None, a template's undefined, text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def number(value: float | int | None, locale: str, digits: int = 0) -> str:
    value = as_number(value)
    if value is None:
        return MISSING
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=locale)


def percent(value: float | None, locale: str, digits: int = 1) -> str:
    """A fraction (0.1234) as a percentage (12.3%)."""
    value = as_number(value)
    if value is None:
        return MISSING
    pattern = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(value, format=pattern, locale=locale)


# A week-over-week change, as the report downloads show it: counts +3, hours +1.5h, rates in points.
CHANGE_STYLE = {"rate": (100, 1, "pt"), "hours": (1, 1, "h"), "per_hour": (1, 2, "")}


def change(value: float | None, locale: str, kind: str) -> str:
    value = as_number(value)
    if value is None:
        return MISSING
    scale, digits, unit = CHANGE_STYLE.get(kind, (1, 0, ""))
    shown = value * scale
    return ("-" if shown < 0 else "+") + number(abs(shown), locale, digits) + unit


def yen(value: int | float | None, locale: str) -> str:
    value = as_number(value)
    if value is None:
        return MISSING
    return format_currency(value, "JPY", locale=locale)


def parse_date(value: str | date | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def parse_datetime(value: str | datetime | None) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def day(value: str | date | None, locale: str, style: str = "medium") -> str:
    parsed = parse_date(value)
    return format_date(parsed, format=style, locale=locale) if parsed else MISSING


def moment(value: str | datetime | None, locale: str, tz: str = DEFAULT_TZ, style: str = "short") -> str:
    """A timestamp shown in the project's time zone (Asia/Tokyo unless told)."""
    parsed = parse_datetime(value)
    if parsed is None:
        return MISSING
    return format_datetime(parsed, format=style, tzinfo=ZoneInfo(tz), locale=locale)


def clock(value: str | datetime | None, locale: str, tz: str = DEFAULT_TZ) -> str:
    parsed = parse_datetime(value)
    if parsed is None:
        return MISSING
    return format_time(parsed, format="short", tzinfo=ZoneInfo(tz), locale=locale)


class Formatter:
    """The helpers above bound to one user's locale, handed to templates as `fmt`."""

    def __init__(self, locale: str, tz: str = DEFAULT_TZ) -> None:
        self.locale = locale
        self.tz = tz

    def num(self, value: float | int | None, digits: int = 0) -> str:
        return number(value, self.locale, digits)

    def pct(self, value: float | None, digits: int = 1) -> str:
        return percent(value, self.locale, digits)

    def yen(self, value: int | float | None) -> str:
        return yen(value, self.locale)

    def change(self, value: float | None, kind: str) -> str:
        return change(value, self.locale, kind)

    def date(self, value: DateValue, style: str = "medium") -> str:
        return day(value, self.locale, style)

    def last_day(self, exclusive_end: DateValue) -> str:
        """An API's exclusive period end shown as the last day inside the period."""
        parsed = parse_date(exclusive_end)
        return day(parsed - timedelta(days=1), self.locale) if parsed else MISSING

    def dt(self, value: str | datetime | None, style: str = "short") -> str:
        return moment(value, self.locale, self.tz, style)

    def time(self, value: str | datetime | None) -> str:
        return clock(value, self.locale, self.tz)
