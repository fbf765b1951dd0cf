"""Reusable field types: IANA time zones, HH:MM times, http(s) URLs kept as strings."""

from __future__ import annotations

import re
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, Field


def _check_time_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("not an IANA time zone such as Asia/Tokyo") from None
    return value


def _check_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
        raise ValueError("must be an http(s) URL")
    return value


TimeZoneName = Annotated[str, Field(min_length=1, max_length=64, examples=["Asia/Tokyo"]), AfterValidator(_check_time_zone)]
ClockTime = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", examples=["16:00"], description="HH:MM, 24-hour")]
HttpUrl = Annotated[str, Field(max_length=500, examples=["https://example.jp/path"]), AfterValidator(_check_url)]
Name = Annotated[str, Field(min_length=1, max_length=200)]

# Free-text query parameters (search, filters): bounded, and without NUL (PostgreSQL cannot compare it).
NO_NUL_PATTERN = r"^[^\x00]*$"
