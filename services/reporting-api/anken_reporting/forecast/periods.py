"""Forecast periods: a month (`2026-11`) or a quarter (`2026-Q4`) as a half-open date range."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from anken_reporting.pipeline.analytics import Period

PERIOD_PATTERN = r"^\d{4}-(0[1-9]|1[0-2]|Q[1-4])$"
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


# Far enough either way for any real forecast, and every date arithmetic stays inside date's range.
MIN_YEAR, MAX_YEAR = 1900, 2999


class InvalidPeriod(ValueError):
    """The text is neither YYYY-MM nor YYYY-Qn, or names a year outside MIN_YEAR…MAX_YEAR."""


def _add_months(year: int, month: int, months: int) -> date:
    index = year * 12 + (month - 1) + months
    return date(index // 12, index % 12 + 1, 1)


def parse_period(text: str) -> Period:
    """`2026-11` → [2026-11-01, 2026-12-01); `2026-Q4` → [2026-10-01, 2027-01-01)."""
    if match := _MONTH.match(text):
        year, month = _year(match.group(1)), int(match.group(2))
        return Period(date(year, month, 1), _add_months(year, month, 1))
    if match := _QUARTER.match(text):
        year, quarter = _year(match.group(1)), int(match.group(2))
        first_month = 3 * (quarter - 1) + 1
        return Period(date(year, first_month, 1), _add_months(year, first_month, 3))
    raise InvalidPeriod(f"{text!r} is not a month (YYYY-MM) or a quarter (YYYY-Qn)")


def _year(text: str) -> int:
    year = int(text)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidPeriod(f"the year must be between {MIN_YEAR} and {MAX_YEAR}")
    return year


def period_of(day: date, kind: str = "month") -> str:
    """The month or quarter label containing a date."""
    if kind == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}-{day.month:02d}"


def label_of(period: Period) -> str | None:
    """`2026-11` or `2026-Q4` when the range is exactly that month or quarter, else None."""
    for kind in ("month", "quarter"):
        label = period_of(period.start, kind)
        if parse_period(label) == period:
            return label
    return None


def default_period(today: date, quota_periods: Iterable[Period]) -> str:
    """The period a forecast shows when none is asked: the one the quotas covering today were entered
    for, so that their amounts show as entered — today's quarter when every such quota is exactly that
    quarter — and otherwise (monthly quotas, mixed or odd spans, no quota) the current month."""
    quarter = period_of(today, "quarter")
    covering = [p for p in quota_periods if p.contains(today)]
    if covering and all(label_of(p) == quarter for p in covering):
        return quarter
    return period_of(today)
