"""Ordering of the portfolio table by a column the director clicks (presentation only: the
figures and the pace status come from reporting-api as computed)."""

from __future__ import annotations

from typing import Any

# column → the field of a portfolio row it sorts by
SORT_KEYS = {
    "name": "name",
    "progress": "progress_rate",
    "pace": "pace",
    "projected": "projected_month_end",
    "exhaustion": "list_exhaustion_date",
    "alerts": "open_alerts",
    "meeting": "next_weekly_meeting",
}


def row_value(row: dict[str, Any], field: str) -> Any:
    # A project that is not running has no pace verdict, so it sorts with the rows that have no pace.
    if field == "pace" and row.get("pace_status") == "not_running":
        return None
    return row.get(field)


def sorted_rows(rows: list[dict[str, Any]], sort: str, direction: str) -> list[dict[str, Any]]:
    """Rows ordered by `sort`; rows without a value go last whichever the direction."""
    field = SORT_KEYS.get(sort, "pace")
    present = [r for r in rows if row_value(r, field) is not None]
    missing = [r for r in rows if row_value(r, field) is None]
    present.sort(key=lambda r: (str(type(row_value(r, field))), row_value(r, field)), reverse=direction == "desc")
    return present + missing
