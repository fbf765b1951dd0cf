"""Reading uploaded target files row by row, without loading them whole.

CSV arrives in UTF-8 (with or without BOM) or Shift_JIS/CP932 — what Japanese Excel
writes; the encoding is detected from the first bytes. XLSX is read with openpyxl's
read_only mode, which streams the sheet XML.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import zipfile
from collections.abc import Iterator
from typing import IO

from openpyxl import load_workbook

SNIFF_BYTES = 256 * 1024


class UnreadableFile(ValueError):
    """The upload is neither CSV (UTF-8 or CP932) nor XLSX, or is damaged."""


def detect_csv_encoding(head: bytes) -> str:
    """'utf-8-sig' when the sample is UTF-8 (BOM or not), else 'cp932' (a superset of Shift_JIS)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        # final=False tolerates a multi-byte character cut at the end of the sample.
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        codecs.getincrementaldecoder("cp932")().decode(head, final=False)
    except UnicodeDecodeError:
        raise UnreadableFile("the CSV is neither UTF-8 nor Shift_JIS/CP932") from None
    return "cp932"


def is_xlsx(head: bytes, filename: str | None) -> bool:
    return head.startswith(b"PK\x03\x04") or (filename or "").lower().endswith(".xlsx")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class TableReader:
    """Rows of an uploaded CSV or XLSX file: `headers`, `total_rows` (an estimate for XLSX) and `rows()`."""

    def __init__(self, file: IO[bytes], filename: str | None) -> None:
        self._file = file
        file.seek(0)
        head = file.read(SNIFF_BYTES)
        file.seek(0)
        if not head:
            raise UnreadableFile("the file is empty")
        self.kind = "xlsx" if is_xlsx(head, filename) else "csv"
        self.encoding: str | None = None
        if self.kind == "xlsx":
            try:
                self._workbook = load_workbook(file, read_only=True, data_only=True)
            except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
                raise UnreadableFile(f"the XLSX file cannot be read: {exc}") from None
            self._sheet = self._workbook.worksheets[0]
        else:
            self.encoding = detect_csv_encoding(head)
        self.total_rows = self._count_rows()
        self._iterator = self._raw_rows()
        try:
            self.headers = next(self._iterator)
        except StopIteration:
            raise UnreadableFile("the file has no header row") from None
        except (UnicodeDecodeError, csv.Error) as exc:
            raise UnreadableFile(f"the file cannot be read: {exc}") from None
        if not any(self.headers):
            raise UnreadableFile("the first row must name the columns")

    def _count_rows(self) -> int | None:
        """Data rows in the file: a quick streaming pass for CSV, the sheet's declared size for XLSX."""
        if self.kind == "xlsx":
            max_row = self._sheet.max_row
            return max(max_row - 1, 0) if max_row else None
        self._file.seek(0)
        text = io.TextIOWrapper(self._file, encoding=self.encoding or "utf-8-sig", errors="replace", newline="")
        try:
            count = sum(1 for row in csv.reader(text) if any(cell.strip() for cell in row)) - 1
        except csv.Error as exc:
            raise UnreadableFile(f"the CSV cannot be parsed: {exc}") from None
        finally:
            text.detach()
        self._file.seek(0)
        return max(count, 0)

    def _raw_rows(self) -> Iterator[list[str]]:
        if self.kind == "xlsx":
            for values in self._sheet.iter_rows(values_only=True):
                yield [_cell_text(v) for v in values]
            return
        text = io.TextIOWrapper(self._file, encoding=self.encoding or "utf-8-sig", newline="")
        try:
            for row in csv.reader(text):
                yield [cell.strip() for cell in row]
        finally:
            # Leave the upload's file open for its owner; it may already be closed at shutdown.
            with contextlib.suppress(ValueError):
                text.detach()

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number as a spreadsheet shows it, cells) for each non-blank data row; the header is row 1."""
        number = 1
        try:
            for cells in self._iterator:
                number += 1
                if any(cells):
                    yield number, cells
        except (UnicodeDecodeError, csv.Error) as exc:
            raise UnreadableFile(f"row {number + 1} cannot be read: {exc}") from None

    def close(self) -> None:
        self._iterator.close()
        if self.kind == "xlsx":
            self._workbook.close()
