"""Query parameters and checks shared by the period-based routes (KPIs, quality, A/B test, portfolio,
calendar, forecast): the one place their names, bounds and the default "today" live."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import Query

from anken_common.problems import UnprocessableEntity
from anken_reporting.pipeline.analytics import DEFAULT_TZ

FromQuery = Annotated[date, Query(alias="from", description="first day, inclusive (project time zone)", examples=["2026-11-01"])]
ToQuery = Annotated[date, Query(alias="to", description="last day, exclusive", examples=["2026-12-01"])]
MAX_PERIOD_DAYS = 3700

# Dates outside this range are typos; bounding them keeps date arithmetic (previous period,
# month ends) from overflowing.
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)


def check_day(field: str, day: date | None) -> None:
    if day is not None and not EARLIEST <= day <= LATEST:
        raise UnprocessableEntity(field, f"must be between {EARLIEST} and {LATEST}")


def check_period(start: date, end: date, as_of: date | None = None) -> None:
    check_day("from", start)
    check_day("to", end)
    check_day("as_of", as_of)
    if end <= start:
        raise UnprocessableEntity("to", "must be after from")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise UnprocessableEntity("to", f"the period may span at most {MAX_PERIOD_DAYS} days")


def today_local() -> date:
    """Today in the agency's default time zone (the sales figures' calendar)."""
    return datetime.now(DEFAULT_TZ).date()
