"""Japanese business days: weekdays that are not public holidays (jpholiday, substitute
holidays included) nor one of the project's extra closed days."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from functools import lru_cache

import jpholiday

# Projections further out than this are not dates anyone plans with; it also bounds the work.
HORIZON_YEARS = 10


@lru_cache(maxsize=64)
def japanese_holidays(year: int) -> frozenset[date]:
    """Public holidays of `year`, substitute holidays included (jpholiday is slow per year: cached)."""
    return frozenset(day for day, _ in jpholiday.year_holidays(year))


@lru_cache(maxsize=2048)
def _plain_month_business_days(year: int, month: int) -> int:
    """Weekdays of the month that are not public holidays."""
    first = date(year, month, 1)
    _, nxt = month_bounds(first)
    holidays = japanese_holidays(year)
    return sum(1 for i in range((nxt - first).days)
               if (day := first + timedelta(days=i)).weekday() < 5 and day not in holidays)


class BusinessCalendar:
    def __init__(self, extra_closed_days: Iterable[date] = ()) -> None:
        self.extra_closed_days = frozenset(extra_closed_days)

    def is_business_day(self, day: date) -> bool:
        if day.weekday() >= 5 or day in self.extra_closed_days:
            return False
        return day not in japanese_holidays(day.year)

    def month_count(self, first: date) -> int:
        """Business days in the whole month starting at `first`."""
        closed = sum(1 for d in self.extra_closed_days
                     if d.year == first.year and d.month == first.month and d.weekday() < 5
                     and d not in japanese_holidays(d.year))
        return _plain_month_business_days(first.year, first.month) - closed

    def business_days(self, start: date, end: date) -> Iterator[date]:
        """Business days in [start, end) — `end` exclusive."""
        day = start
        while day < end:
            if self.is_business_day(day):
                yield day
            day += timedelta(days=1)

    def count(self, start: date, end: date) -> int:
        """Number of business days in [start, end)."""
        return sum(1 for _ in self.business_days(start, end))

    def last_business_days(self, through: date, n: int, *, limit_days: int = 400) -> list[date]:
        """The `n` latest business days on or before `through`, oldest first."""
        found: list[date] = []
        day = through
        while len(found) < n and (through - day).days <= limit_days:
            if self.is_business_day(day):
                found.append(day)
            day -= timedelta(days=1)
        return list(reversed(found))

    def add_business_days(self, start: date, n: int) -> date | None:
        """The n-th business day after `start` (n ≥ 1); `start` itself when n is 0; None when it
        lies beyond HORIZON_YEARS. Whole months are skipped by counting, not by walking."""
        limit = start.replace(year=start.year + HORIZON_YEARS) if not (start.month == 2 and start.day == 29) \
            else start.replace(year=start.year + HORIZON_YEARS, day=28)
        day = start
        while n > 0:
            tomorrow = day + timedelta(days=1)
            _, next_month = month_bounds(tomorrow)
            in_rest_of_month = self.month_count(tomorrow) if tomorrow.day == 1 else self.count(tomorrow, next_month)
            if in_rest_of_month < n:
                n -= in_rest_of_month
                day = next_month - timedelta(days=1)
            else:
                while n > 0:
                    day += timedelta(days=1)
                    if self.is_business_day(day):
                        n -= 1
            if day > limit:
                return None
        return day


def month_bounds(day: date) -> tuple[date, date]:
    """[first day of day's month, first day of the next month)."""
    first = day.replace(day=1)
    nxt = (first.replace(year=first.year + 1, month=1) if first.month == 12 else first.replace(month=first.month + 1))
    return first, nxt
