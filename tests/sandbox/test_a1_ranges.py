"""A1 notation as the Sheets API reads it."""

from __future__ import annotations

import pytest

from anken_sandbox.sheets.a1 import (
    A1Error,
    A1Range,
    column_index,
    column_letters,
    format_range,
    parse_cells,
    split_sheet,
)


@pytest.mark.parametrize(("letters", "index"), [("A", 0), ("Z", 25), ("AA", 26), ("AZ", 51), ("ZZ", 701), ("AAA", 702)])
def test_column_letters_round_trip(letters: str, index: int) -> None:
    assert column_index(letters) == index and column_letters(index) == letters


@pytest.mark.parametrize(("text", "sheet", "cells"), [
    ("Sheet1!A1:B2", "Sheet1", "A1:B2"),
    ("'My Sheet'!A:C", "My Sheet", "A:C"),
    ("'It''s'!2:5", "It's", "2:5"),
    ("'a!b'!A1", "a!b", "A1"),
    ("'リスト 11月'", "リスト 11月", None),
    ("A1:B2", None, "A1:B2"),
])
def test_split_sheet_handles_quotes(text: str, sheet: str | None, cells: str | None) -> None:
    assert split_sheet(text) == (sheet, cells)


def test_unterminated_quote_is_an_error() -> None:
    with pytest.raises(A1Error):
        split_sheet("'open!A1")


@pytest.mark.parametrize(("cells", "expected"), [
    ("B3", A1Range("S", 2, 1, 2, 1)),
    ("A1:C10", A1Range("S", 0, 0, 9, 2)),
    ("C10:A1", A1Range("S", 0, 0, 9, 2)),
    ("A:C", A1Range("S", 0, 0, None, 2)),
    ("2:5", A1Range("S", 1, 0, 4, None)),
    ("A2:Z", A1Range("S", 1, 0, None, 25)),
])
def test_parse_cells_bounds(cells: str, expected: A1Range) -> None:
    assert parse_cells("S", cells, cells) == expected


@pytest.mark.parametrize("cells", ["A", "1A", "A0", "A1:B2:C3", "A1:", "$A$1", "AAAA1"])
def test_malformed_cells_are_errors(cells: str) -> None:
    with pytest.raises(A1Error):
        parse_cells("S", cells, cells)


def test_format_range_quotes_names_that_need_it() -> None:
    assert format_range("Sheet1", 0, 0, 1, 2) == "Sheet1!A1:C2"
    assert format_range("My Sheet", 4, 1, 4, 1) == "'My Sheet'!B5"
    assert format_range("It's", 0, 0, 0, 1) == "'It''s'!A1:B1"
