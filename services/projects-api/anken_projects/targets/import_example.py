"""The example file an import screen offers: every recognised column (its first Japanese header) and
two realistic rows, written from import_columns.COLUMNS so it always imports cleanly."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from anken_common.cell_safety import neutralise_row
from anken_projects.targets.import_columns import COLUMNS

BOM = "\ufeff"
FILENAME = "anken-target-list-example"


def example_table() -> list[list[str]]:
    """The header row and the two example rows."""
    return [[column.japanese[0] for column in COLUMNS],
            *([column.examples[i] for column in COLUMNS] for i in range(2))]


def example_csv() -> bytes:
    """UTF-8 with a BOM (Japanese Excel opens it without mojibake), CRLF line ends."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(neutralise_row(row) for row in example_table())
    return (BOM + out.getvalue()).encode("utf-8")


def example_xlsx() -> bytes:
    """One sheet; every cell is text, so a phone keeps its leading 0 and a 法人番号 its 13 digits."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("targets")
    for row in example_table():
        sheet.append(neutralise_row(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
