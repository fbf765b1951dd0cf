"""ISO weeks as the weekly report names them: `2026-W47` → Monday 2026-11-16 … Sunday 2026-11-22."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

ISO_WEEK_PATTERN = r"^\d{4}-W\d{2}$"
_ISO_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")


# Keeps "last week" and "the Monday after" inside date's range for any accepted week.
MIN_YEAR, MAX_YEAR = 1900, 2999


class InvalidIsoWeek(ValueError):
    """The text is not YYYY-Www, names a week the year does not have, or a year outside MIN_YEAR…MAX_YEAR."""


@dataclass(frozen=True)
class IsoWeek:
    year: int
    week: int

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def start(self) -> date:
        """The Monday of the week."""
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def end(self) -> date:
        """The Monday after the week (exclusive end)."""
        return self.start + timedelta(days=7)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=i) for i in range(7)]

    def previous(self) -> IsoWeek:
        return IsoWeek.containing(self.start - timedelta(days=7))

    @classmethod
    def containing(cls, day: date) -> IsoWeek:
        year, week, _ = day.isocalendar()
        return cls(year, week)

    def __str__(self) -> str:
        return self.label


def parse_iso_week(text: str) -> IsoWeek:
    match = _ISO_WEEK.match(text)
    if not match:
        raise InvalidIsoWeek(f"{text!r} is not an ISO week like 2026-W47")
    year, week = int(match.group(1)), int(match.group(2))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidIsoWeek(f"the year must be between {MIN_YEAR} and {MAX_YEAR}")
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise InvalidIsoWeek(f"{year} has no ISO week {week}") from None
    return IsoWeek(year, week)
