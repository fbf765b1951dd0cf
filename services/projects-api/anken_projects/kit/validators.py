"""Reusable field types: IANA time zones, dates and moments in a sane window, HH:MM times,
http(s) URLs kept as strings."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Annotated
from zoneinfo import available_timezones

from pydantic import AfterValidator, AwareDatetime, Field

# Files of the zone database that are not zones: the host's own setting, and placeholders.
NOT_ZONES = frozenset({"localtime", "Factory", "posixrules"})
# The one window every business date and moment must fall in (contracts, renewals, closed days,
# callbacks, meetings, calls): Anken holds no history before 2000, and plans at most ten years ahead.
EARLIEST_DATE = date(2000, 1, 1)
YEARS_AHEAD = 10


@lru_cache(maxsize=1)
def iana_zone_names() -> frozenset[str]:
    return frozenset(available_timezones()) - NOT_ZONES


def _check_time_zone(value: str) -> str:
    if value not in iana_zone_names():
        raise ValueError("not an IANA time zone such as Asia/Tokyo")
    return value


def latest_date() -> date:
    """The last date accepted: today (UTC) ten years on (28 February in place of a 29th)."""
    today = datetime.now(UTC).date()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def _window_message() -> str:
    return f"must fall between {EARLIEST_DATE.isoformat()} and {latest_date().isoformat()}"


def check_date_window(value: date) -> date:
    if not EARLIEST_DATE <= value <= latest_date():
        raise ValueError(_window_message())
    return value


def check_moment_window(value: datetime) -> datetime:
    # Compared in UTC: an offset cannot push a moment across the window's edge unnoticed.
    if not EARLIEST_DATE <= value.astimezone(UTC).date() <= latest_date():
        raise ValueError(_window_message())
    return value


def _check_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
        raise ValueError("must be an http(s) URL")
    return value


TimeZoneName = Annotated[str, Field(min_length=1, max_length=64, examples=["Asia/Tokyo"],
                                     description="An IANA time zone name, e.g. Asia/Tokyo"),
                         AfterValidator(_check_time_zone)]
SaneDate = Annotated[date, Field(description="From 2000-01-01 to ten years after today"),
                     AfterValidator(check_date_window)]
SaneMoment = Annotated[AwareDatetime, Field(description="With its offset; from 2000-01-01 to ten years after today"),
                       AfterValidator(check_moment_window)]
ClockTime = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["16:00"], description="HH:MM, 24-hour")]
HttpUrl = Annotated[str, Field(max_length=500, examples=["https://example.jp/path"]), AfterValidator(_check_url)]
Name = Annotated[str, Field(min_length=1, max_length=200)]

# Free-text query parameters (search, filters): bounded, and without NUL (PostgreSQL cannot compare it).
NO_NUL_PATTERN = r"^[^\x00]*$"
