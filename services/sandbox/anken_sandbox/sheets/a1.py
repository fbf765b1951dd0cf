"""A1 notation as the Sheets API reads it: `Sheet1!A1:B2`, `'My Sheet'!A:C`, `'It''s'!2:5`, `A2:Z`, `Sheet1`."""

from __future__ import annotations

import re
from dataclasses import dataclass

CELL = re.compile(r"^([A-Za-z]{0,3})(\d{0,7})$")
PLAIN_SHEET_NAME = re.compile(r"^[A-Za-z0-9_]+$")


class A1Error(ValueError):
    pass


@dataclass(frozen=True)
class A1Range:
    """Zero-based, inclusive bounds; None means "to the edge of the sheet"."""

    sheet: str | None
    start_row: int = 0
    start_col: int = 0
    end_row: int | None = None
    end_col: int | None = None


def column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + (ord(letter) - ord("A") + 1)
    return index - 1


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def quote_sheet(title: str) -> str:
    return title if PLAIN_SHEET_NAME.match(title) else "'" + title.replace("'", "''") + "'"


def split_sheet(text: str) -> tuple[str | None, str | None]:
    """(sheet title or None, cell part or None); a quoted title may contain ! and doubled quotes."""
    if text.startswith("'"):
        i, title = 1, []
        while i < len(text):
            if text[i] == "'":
                if i + 1 < len(text) and text[i + 1] == "'":
                    title.append("'")
                    i += 2
                    continue
                break
            title.append(text[i])
            i += 1
        else:
            raise A1Error(f"Unable to parse range: {text}")
        rest = text[i + 1:]
        if rest == "":
            return "".join(title), None
        if not rest.startswith("!"):
            raise A1Error(f"Unable to parse range: {text}")
        return "".join(title), rest[1:] or None
    if "!" in text:
        sheet, cells = text.split("!", 1)
        return sheet, cells or None
    return None, text


def _ref(text: str, whole: str) -> tuple[int | None, int | None]:
    match = CELL.match(text)
    if not match or not (match.group(1) or match.group(2)):
        raise A1Error(f"Unable to parse range: {whole}")
    col = column_index(match.group(1)) if match.group(1) else None
    row = int(match.group(2)) - 1 if match.group(2) else None
    if row is not None and row < 0:
        raise A1Error(f"Unable to parse range: {whole}")
    return row, col


def parse_cells(sheet: str | None, cells: str, whole: str) -> A1Range:
    if ":" not in cells:
        row, col = _ref(cells, whole)
        if row is None or col is None:
            raise A1Error(f"Unable to parse range: {whole}")
        return A1Range(sheet, row, col, row, col)
    first, second = cells.split(":", 1)
    row1, col1 = _ref(first, whole)
    row2, col2 = _ref(second, whole)
    # A bound missing on both ends is open (A:C, 2:5); a start without a row (A:B2) starts at row 1.
    start_row = min(r for r in (row1, row2) if r is not None) if (row1 is not None or row2 is not None) else 0
    start_col = min(c for c in (col1, col2) if c is not None) if (col1 is not None or col2 is not None) else 0
    end_row = max(row1, row2) if row1 is not None and row2 is not None else None
    end_col = max(col1, col2) if col1 is not None and col2 is not None else None
    if row1 is not None and row2 is None:
        start_row = row1
    if col1 is not None and col2 is None:
        start_col = col1
    return A1Range(sheet, start_row, start_col, end_row, end_col)


def format_range(title: str, start_row: int, start_col: int, end_row: int, end_col: int) -> str:
    start = f"{column_letters(start_col)}{start_row + 1}"
    end = f"{column_letters(end_col)}{end_row + 1}"
    return f"{quote_sheet(title)}!{start}" if start == end else f"{quote_sheet(title)}!{start}:{end}"
