"""The `{iso_week}` path parameter the weekly report's routes share (reports, report links, report comments)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from anken_common.problems import UnprocessableEntity
from anken_reporting.reports.iso_week import ISO_WEEK_PATTERN, InvalidIsoWeek, IsoWeek, parse_iso_week

IsoWeekPath = Annotated[str, Path(pattern=ISO_WEEK_PATTERN, description="ISO week, e.g. 2026-W47",
                                  examples=["2026-W47"])]


def week_of(iso_week: str) -> IsoWeek:
    """The week the path names; a week the year does not have (2026-W54) is 422 naming `iso_week`."""
    try:
        return parse_iso_week(iso_week)
    except InvalidIsoWeek as exc:
        raise UnprocessableEntity("iso_week", str(exc)) from None
