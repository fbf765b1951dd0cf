"""How numbers read in a Japanese weekly report: the same text in HTML, PPTX and the summary line."""

from __future__ import annotations

from datetime import date

WEEKDAYS_JA = "月火水木金土日"
EMPTY = "—"


def pct(value: float | None, digits: int = 1) -> str:
    return EMPTY if value is None else f"{value * 100:.{digits}f}%"


def count(value: float | None) -> str:
    if value is None:
        return EMPTY
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def yen(value: int | None) -> str:
    return EMPTY if value is None else f"¥{value:,}"


def hours(value: float | None) -> str:
    return EMPTY if value is None else f"{value:,.1f}h"


def decimal(value: float | None, digits: int = 2) -> str:
    return EMPTY if value is None else f"{value:.{digits}f}"


def signed(value: float | None, kind: str) -> str:
    """A week-over-week change: +3, −1.2pt for rates."""
    if value is None:
        return EMPTY
    if kind == "rate":
        return f"{value * 100:+.1f}pt"
    if kind == "hours":
        return f"{value:+,.1f}h"
    if kind == "per_hour":
        return f"{value:+.2f}"
    return f"{value:+,.0f}"


def figure(value: float | None, kind: str) -> str:
    if kind == "rate":
        return pct(value)
    if kind == "hours":
        return hours(value)
    if kind == "per_hour":
        return decimal(value)
    return count(value)


def version_label(version: int) -> str:
    """第 2 版: how every document names a published version (a draft is 下書き instead)."""
    return f"第 {version} 版"


def status_label(version: int | None) -> str:
    return f"{version_label(version)}（確定）" if version else "下書き"


def day_label(day: date) -> str:
    """11/16(月)"""
    return f"{day.month}/{day.day}({WEEKDAYS_JA[day.weekday()]})"


def long_date(day: date | None) -> str:
    return EMPTY if day is None else f"{day.year}年{day.month}月{day.day}日"
