"""Reading uploaded target files row by row, within the import's limits.

CSV arrives in UTF-8 (with or without BOM) or Shift_JIS/CP932 — what Japanese Excel
writes; the encoding is detected from the first bytes. XLSX is read by xlsx_reader, which
inspects the archive and streams the sheet XML without trusting what the sheet declares.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from collections.abc import Callable, Generator, Iterator
from typing import IO

from anken_projects.targets.import_limits import ImportLimits
from anken_projects.targets.xlsx_guards import XlsxError
from anken_projects.targets.xlsx_reader import XlsxSheetReader

SNIFF_BYTES = 256 * 1024


# Formats people upload by mistake, by their first bytes: refused as "not CSV or XLSX" at once.
OTHER_FORMATS = (
    b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"\xd0\xcf\x11\xe0",  # PNG, JPEG, GIF, PDF, old .xls/.doc
    b"II*\x00", b"MM\x00*", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf",  # TIFF, gzip, RAR, 7-Zip
)


class UnreadableFile(ValueError):
    """The upload is neither CSV (UTF-8 or CP932) nor XLSX, is damaged, or exceeds a limit.

    `code` names the rule for clients that say it in their own words (the message is English):
    not_csv_or_xlsx, empty_file, no_header_row, too_many_rows (params: max), too_many_columns
    (params: max, row), unreadable_csv, unreadable_xlsx."""

    def __init__(self, message: str, code: str = "unreadable_csv", **params: int) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


def looks_binary(head: bytes) -> bool:
    """Not text at all: a known non-spreadsheet format, or NUL bytes (which no CSV in UTF-8 or CP932 holds)."""
    return head.startswith(OTHER_FORMATS) or b"\x00" in head


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
        raise UnreadableFile("the CSV is neither UTF-8 nor Shift_JIS/CP932", "not_csv_or_xlsx") from None
    return "cp932"


def is_xlsx(head: bytes, filename: str | None) -> bool:
    return head.startswith(b"PK\x03\x04") or (filename or "").lower().endswith(".xlsx")


class TableReader:
    """Rows of an uploaded CSV or XLSX file: `headers`, `total_rows` (CSV: counted; XLSX: None) and `rows()`."""

    def __init__(self, file: IO[bytes], filename: str | None, limits: ImportLimits,
                 checkpoint: Callable[[], None] | None = None) -> None:
        """Opening reads the file up to its header (an XLSX's shared strings, a CSV's row count):
        the import's job does it in its thread, `checkpoint` stopping it on a cancel or the wall time."""
        self._file = file
        self.limits = limits
        self._checkpoint = checkpoint or (lambda: None)
        file.seek(0)
        head = file.read(SNIFF_BYTES)
        file.seek(0)
        if not head:
            raise UnreadableFile("the file is empty", "empty_file")
        self.kind = "xlsx" if is_xlsx(head, filename) else "csv"
        if self.kind == "csv" and looks_binary(head):
            raise UnreadableFile("the file is neither a CSV nor an XLSX workbook", "not_csv_or_xlsx")
        self.encoding: str | None = None
        self._xlsx: XlsxSheetReader | None = None
        self.total_rows: int | None = None
        if self.kind == "xlsx":
            try:
                self._xlsx = XlsxSheetReader(file, limits, self._checkpoint)
            except XlsxError as exc:
                raise UnreadableFile(str(exc), exc.code) from None
        else:
            self.encoding = detect_csv_encoding(head)
            self.total_rows = self._count_csv_rows()
        self._iterator = self._raw_rows()
        try:
            self.header_row, self.headers = next(self._iterator)
        except StopIteration:
            raise UnreadableFile("the file has no header row", "no_header_row") from None
        except (UnicodeDecodeError, csv.Error) as exc:
            raise UnreadableFile(f"the file cannot be read: {exc}") from None
        except XlsxError as exc:
            raise UnreadableFile(str(exc), exc.code) from None
        if not any(self.headers):
            raise UnreadableFile("the first row must name the columns", "no_header_row")

    def _too_many_rows(self) -> UnreadableFile:
        return UnreadableFile(f"the file has more than {self.limits.max_rows:,} rows below the header",
                              "too_many_rows", max=self.limits.max_rows)

    def _count_csv_rows(self) -> int:
        """Data rows of the CSV: a quick streaming pass that stops as soon as the row cap is passed."""
        self._file.seek(0)
        text = io.TextIOWrapper(self._file, encoding=self.encoding or "utf-8-sig", errors="replace", newline="")
        count = -1  # the header
        try:
            for row in csv.reader(text):
                self._checkpoint()
                if any(cell.strip() for cell in row):
                    count += 1
                    if count > self.limits.max_rows:
                        raise self._too_many_rows()
        except csv.Error as exc:
            raise UnreadableFile(f"the CSV cannot be parsed: {exc}") from None
        finally:
            text.detach()
        self._file.seek(0)
        return max(count, 0)

    def _raw_rows(self) -> Generator[tuple[int, list[str]], None, None]:
        if self._xlsx is not None:
            yield from self._xlsx.rows()
            return
        text = io.TextIOWrapper(self._file, encoding=self.encoding or "utf-8-sig", newline="")
        try:
            for number, row in enumerate(csv.reader(text), start=1):
                if len(row) > self.limits.max_columns and any(cell.strip() for cell in row[self.limits.max_columns:]):
                    raise UnreadableFile(
                        f"row {number}: has {len(row)} columns; an import reads at most {self.limits.max_columns}",
                        "too_many_columns", max=self.limits.max_columns, row=number)
                yield number, [cell.strip() for cell in row]
        finally:
            # Leave the upload's file open for its owner; it may already be closed at shutdown.
            with contextlib.suppress(ValueError):
                text.detach()

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number as a spreadsheet shows it, cells) for each non-blank data row below the header."""
        number = self.header_row
        data_rows = 0
        try:
            for number, cells in self._iterator:
                if any(cells):
                    data_rows += 1
                    if data_rows > self.limits.max_rows:
                        raise self._too_many_rows()
                    yield number, cells
        except (UnicodeDecodeError, csv.Error) as exc:
            raise UnreadableFile(f"row {number + 1} cannot be read: {exc}") from None
        except XlsxError as exc:
            raise UnreadableFile(str(exc), exc.code) from None

    def close(self) -> None:
        self._iterator.close()
        if self._xlsx is not None:
            self._xlsx.close()
