"""Text written into CSV, XLSX or Google Sheets cells that a spreadsheet must never run as a formula.

OWASP's rule for CSV injection: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return is prefixed with a single quote, so Excel, LibreOffice and Sheets show it as
text. Numbers stay numbers: only `str` values are touched. Every writer of a spreadsheet cell
(weekly report CSV/XLSX, A/B sheets, exports, Sheets pushes) passes text through here.
"""

from __future__ import annotations

from typing import Any, TypeVar

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

T = TypeVar("T")


def neutralise_text(value: str) -> str:
    """The text, prefixed with `'` when a spreadsheet would read it as a formula."""
    if value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralise_cell(value: T) -> T | str:
    """A cell value safe to write: text is neutralised, numbers, dates and None pass through."""
    if isinstance(value, str):
        return neutralise_text(value)
    return value


def neutralise_row(values: list[Any]) -> list[Any]:
    return [neutralise_cell(v) for v in values]
