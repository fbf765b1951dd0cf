"""Reading the first sheet of an uploaded XLSX as rows of text, trusting nothing it declares.

The archive is inspected before any XML is parsed (member count, sizes, compression ratio; the
guards are in xlsx_guards, with XlsxError). The sheet XML is streamed with a bounded iterparse. Its declared dimension is never used to
size anything: a declared size past the caps is refused, and a row past the row cap or a value
past the column cap stops the read at once whatever was declared, so a few-KB file that claims
A1:XFD1048576 or holds one cell at row 1,000,000 is refused in milliseconds. Every defect
(broken XML, no sheet, a bad cell reference, a bad number or date, an unknown shared string)
raises XlsxError naming the part, row or cell.

Nothing is read until the import's job runs it: shared strings and the sheet are read by the
job's thread, which calls `checkpoint` per shared string, per row and per chunk of a prolog, so a
cancel or the wall time stops any part of the read. Shared strings (held in memory for the sheet)
are bounded in bytes, entries and characters. Every XML part's whole prolog is read by expat
(xlsx_guards.refuse_doctype) before the part is parsed: a DOCTYPE is refused however much
padding comes before it.
"""

from __future__ import annotations

import math
import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import IO

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from anken_projects.targets.import_limits import MAX_SMALL_PART_BYTES, ImportLimits
from anken_projects.targets.xlsx_guards import XlsxError, inspect_archive, no_check, refuse_doctype

EXCEL_MAX_ROW = 1_048_576
EXCEL_MAX_COLUMN = 16_384  # XFD
# Excel's serial dates: 1 is 1900-01-01, 2958465 is 9999-12-31.
MAX_DATE_SERIAL = 2_958_465
CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")
OFFICE_DOCUMENT_SUFFIX = "/officeDocument"
SHEET_TYPE_SUFFIX = "/worksheet"
SHARED_STRINGS_SUFFIX = "/sharedStrings"
STYLES_SUFFIX = "/styles"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + (ord(letter) - 64)
    return index


class XlsxSheetReader:
    """The first worksheet of a workbook, as (sheet row number, cell texts) for rows holding a value."""

    def __init__(self, file: IO[bytes], limits: ImportLimits, checkpoint: Callable[[], None] = no_check) -> None:
        self.limits = limits
        self._checkpoint = checkpoint
        self._epoch = CALENDAR_WINDOWS_1900
        try:
            self._archive = zipfile.ZipFile(file)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise XlsxError(f"the XLSX file is not a readable zip archive ({exc})") from None
        try:
            inspect_archive(self._archive)
            self._names = set(self._archive.namelist())
            if not any(name.startswith("xl/") for name in self._names):
                # A Word or PowerPoint file, or any other zip: not a workbook at all.
                raise XlsxError("the file is a zip archive but not an Excel workbook", "not_csv_or_xlsx")
            sheet_path, shared_path, styles_path = self._locate_parts()
            self._sheet_path = sheet_path
            self._date_styles = self._read_date_styles(styles_path) if styles_path else set()
            self._shared = self._read_shared_strings(shared_path) if shared_path else []
        except BaseException:
            self._archive.close()
            raise

    # -- parts ------------------------------------------------------------------------------

    def _refuse_doctype(self, path: str) -> None:
        try:
            stream = self._archive.open(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise XlsxError(f"part {path!r} cannot be inflated ({exc})") from None
        with stream:
            refuse_doctype(path, stream, self._checkpoint)

    def _read_small(self, path: str) -> ET.Element:
        info = self._archive.getinfo(path)
        if info.file_size > MAX_SMALL_PART_BYTES:
            raise XlsxError(f"part {path!r} is too large ({info.file_size:,} bytes)")
        try:
            data = self._archive.read(path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise XlsxError(f"part {path!r} cannot be inflated ({exc})") from None
        refuse_doctype(path, data)
        try:
            return ET.fromstring(data)
        except ET.ParseError as exc:
            raise XlsxError(f"part {path!r} is not well-formed XML ({exc})") from None

    def _relationships(self, rels_path: str, base: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, part path) of a .rels part."""
        if rels_path not in self._names:
            return {}
        found: dict[str, tuple[str, str]] = {}
        for element in self._read_small(rels_path).iter():
            if _local(element.tag) != "Relationship":
                continue
            target = element.get("Target") or ""
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            found[element.get("Id") or ""] = (element.get("Type") or "", path)
        return found

    def _workbook_path(self) -> str:
        """The package's main part (named by _rels/.rels; xl/workbook.xml by convention)."""
        package = self._relationships("_rels/.rels", "")
        path = next((p for k, p in package.values() if k.endswith(OFFICE_DOCUMENT_SUFFIX)), "xl/workbook.xml")
        if path not in self._names:
            raise XlsxError(f"the XLSX has no workbook part ({path})")
        return path

    def _locate_parts(self) -> tuple[str, str | None, str | None]:
        workbook_path = self._workbook_path()
        workbook = self._read_small(workbook_path)
        folder, name = posixpath.split(workbook_path)
        rels = self._relationships(posixpath.join(folder, "_rels", name + ".rels"), folder)
        sheet_path = None
        for element in workbook.iter():
            if _local(element.tag) == "workbookPr" and element.get("date1904") in ("1", "true"):
                self._epoch = CALENDAR_MAC_1904
            if _local(element.tag) != "sheet":
                continue
            rel_id = next((v for k, v in element.attrib.items() if k.startswith("{") and _local(k) == "id"), None)
            kind, path = rels.get(rel_id or "", ("", ""))
            if kind.endswith(SHEET_TYPE_SUFFIX) and path in self._names:
                sheet_path = path
                break
            raise XlsxError("the workbook's first sheet is not a worksheet part of the file")
        if sheet_path is None:
            raise XlsxError("the workbook has no sheet")
        shared = next((p for k, p in rels.values() if k.endswith(SHARED_STRINGS_SUFFIX) and p in self._names), None)
        styles = next((p for k, p in rels.values() if k.endswith(STYLES_SUFFIX) and p in self._names), None)
        return sheet_path, shared, styles

    def _read_date_styles(self, path: str) -> set[int]:
        """Indexes of the cell formats (the `s` attribute of a cell) that show a date."""
        styles = self._read_small(path)
        custom: dict[int, str] = {}
        dates: set[int] = set()
        for element in styles.iter():
            if _local(element.tag) == "numFmt":
                try:
                    custom[int(element.get("numFmtId", ""))] = element.get("formatCode") or ""
                except ValueError:
                    raise XlsxError(f"part {path!r}: a number format has a bad id") from None
        for element in styles.iter():
            if _local(element.tag) != "cellXfs":
                continue
            for index, xf in enumerate(x for x in element if _local(x.tag) == "xf"):
                try:
                    fmt_id = int(xf.get("numFmtId") or 0)
                except ValueError:
                    raise XlsxError(f"part {path!r}: cell format {index} has a bad number format id") from None
                code = custom.get(fmt_id) or BUILTIN_FORMATS.get(fmt_id) or ""
                if code and is_date_format(code):
                    dates.add(index)
        return dates

    def _stream(self, path: str) -> Iterator[tuple[str, ET.Element]]:
        self._refuse_doctype(path)
        try:
            with self._archive.open(path) as stream:
                yield from ET.iterparse(stream, events=("start", "end"))
        except ET.ParseError as exc:
            raise XlsxError(f"part {path!r} is not well-formed XML ({exc})") from None
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise XlsxError(f"part {path!r} cannot be inflated ({exc})") from None

    def _read_shared_strings(self, path: str) -> list[str]:
        """Every shared string, within the caps: the part's declared size is refused before it is
        inflated (zipfile never inflates a member past it), entries and characters as they stream."""
        limits = self.limits
        size = self._archive.getinfo(path).file_size
        if size > limits.max_shared_strings_bytes:
            raise XlsxError(
                f"part {path!r} (the shared strings) inflates to {size:,} bytes; an import reads at most "
                f"{limits.max_shared_strings_bytes:,}"
            )
        cap = limits.shared_strings_cap
        strings: list[str] = []
        chars = 0
        root: ET.Element | None = None
        for event, element in self._stream(path):
            if event == "start":
                if root is None:
                    root = element
                continue
            tag = element.tag
            if tag != "si" and not tag.endswith("}si"):  # _local's answer, without its cost per element
                continue
            self._checkpoint()
            if len(strings) >= cap:
                raise XlsxError(f"part {path!r} holds more than {cap:,} shared strings; an import reads at most {cap:,}")
            text = _shared_text(element)
            chars += len(text)
            if chars > limits.max_shared_string_chars:
                raise XlsxError(
                    f"part {path!r}: the shared strings hold more than {limits.max_shared_string_chars:,} "
                    "characters in all"
                )
            strings.append(text)
            if root is not None:
                root.clear()  # entries already read leave the tree: memory stays the list of texts
        return strings

    # -- the sheet --------------------------------------------------------------------------

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(sheet row number, cells) for each row holding a value, in sheet order."""
        last_row = 0
        sheet_data: ET.Element | None = None
        for event, element in self._stream(self._sheet_path):
            tag = _local(element.tag)
            if event == "start":
                if tag == "row":
                    self._checkpoint()
                if tag == "sheetData":
                    sheet_data = element
                elif tag == "dimension":
                    self._check_dimension(element.get("ref") or "")
                elif tag == "row":
                    last_row = self._row_number(element, last_row)
                continue
            if tag != "row":
                continue
            cells = self._row_cells(element, last_row)
            if sheet_data is not None:
                sheet_data.clear()  # rows already read are dropped: memory stays one row
            if cells:
                yield last_row, cells

    def _check_dimension(self, ref: str) -> None:
        """A declared size past the caps is refused at once; a small one is not believed either (rows are)."""
        corner = ref.rsplit(":", 1)[-1]
        match = CELL_REF.match(corner)
        if not match:
            raise XlsxError(f"the sheet declares a bad dimension {ref[:40]!r}")
        rows, columns = int(match.group(2)), _column_index(match.group(1))
        if rows > self.limits.max_rows + 1 or columns > self.limits.max_columns:
            raise XlsxError(
                f"the sheet declares its size as {ref[:40]}: past the import's limits of "
                f"{self.limits.max_rows:,} rows below the header and {self.limits.max_columns} columns"
            )

    def _row_number(self, element: ET.Element, last_row: int) -> int:
        raw = element.get("r")
        if raw is None:
            number = last_row + 1
        elif not raw.isdigit() or not 1 <= int(raw) <= EXCEL_MAX_ROW:
            raise XlsxError(f"row {last_row + 1}: bad row number {raw[:20]!r}")
        else:
            number = int(raw)
        if number <= last_row:
            raise XlsxError(f"row {number}: rows are out of order (after row {last_row})")
        if number > self.limits.max_rows + 1:
            raise XlsxError(
                f"the sheet has a row at {number:,}; an import holds at most {self.limits.max_rows:,} rows "
                "below the header"
            )
        return number

    def _row_cells(self, row: ET.Element, number: int) -> list[str]:
        values: dict[int, str] = {}
        column = 0
        for cell in row:
            if _local(cell.tag) != "c":
                continue
            column = self._cell_column(cell, number, column)
            text = self._cell_value(cell, f"{_column_letters(column)}{number}")
            if text == "":
                continue
            if column > self.limits.max_columns:
                raise XlsxError(
                    f"cell {_column_letters(column)}{number}: the sheet has a value in column {column:,}; "
                    f"an import reads at most {self.limits.max_columns} columns"
                )
            values[column] = text
        if not values:
            return []
        cells = [""] * max(values)
        for index, text in values.items():
            cells[index - 1] = text
        return cells

    def _cell_column(self, cell: ET.Element, number: int, previous: int) -> int:
        ref = cell.get("r")
        if ref is None:
            column = previous + 1
        else:
            match = CELL_REF.match(ref)
            if not match or int(match.group(2)) != number:
                raise XlsxError(f"row {number}: bad cell reference {ref[:20]!r}")
            column = _column_index(match.group(1))
        if not 1 <= column <= EXCEL_MAX_COLUMN or column <= previous:
            raise XlsxError(f"row {number}: bad cell reference {(ref or '')[:20]!r}")
        return column

    def _cell_value(self, cell: ET.Element, name: str) -> str:
        kind = cell.get("t") or "n"
        value = next((c.text or "" for c in cell if _local(c.tag) == "v"), None)
        if kind == "inlineStr":
            return "".join(t.text or "" for t in cell.iter() if _local(t.tag) == "t").strip()
        if value is None:
            return ""
        value = value.strip()
        if value == "":
            return ""
        if kind == "s":
            if not value.isdigit() or int(value) >= len(self._shared):
                raise XlsxError(f"cell {name}: shared string {value[:20]!r} does not exist")
            return self._shared[int(value)].strip()
        if kind in ("str", "e"):
            return value
        if kind == "b":
            if value not in ("0", "1"):
                raise XlsxError(f"cell {name}: {value[:20]!r} is not a boolean")
            return "TRUE" if value == "1" else "FALSE"
        if kind == "d":
            try:
                return datetime.fromisoformat(value).isoformat()
            except ValueError:
                raise XlsxError(f"cell {name}: {value[:30]!r} is not a date") from None
        if kind != "n":
            raise XlsxError(f"cell {name}: unknown cell type {kind[:20]!r}")
        return self._number(cell, name, value)

    def _number(self, cell: ET.Element, name: str, value: str) -> str:
        try:
            number = float(value)
        except ValueError:
            raise XlsxError(f"cell {name}: {value[:30]!r} is not a number") from None
        if not math.isfinite(number):
            raise XlsxError(f"cell {name}: {value[:30]!r} is not a finite number")
        style = cell.get("s")
        if style is not None and style.isdigit() and int(style) in self._date_styles:
            if not 0 <= number <= MAX_DATE_SERIAL:
                raise XlsxError(f"cell {name}: {value[:30]!r} is not a valid date")
            moment: datetime = from_excel(number, self._epoch)  # openpyxl is untyped
            return moment.date().isoformat() if moment.time() == datetime.min.time() else moment.isoformat()
        return str(int(number)) if number.is_integer() and abs(number) < 1e15 else repr(number)

    def close(self) -> None:
        self._archive.close()


def _column_letters(index: int) -> str:
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _shared_text(si: ET.Element) -> str:
    """The text of a shared string: its `t` elements, less phonetic guides (rPh, furigana)."""
    if len(si) == 1 and _local(si[0].tag) == "t":
        return si[0].text or ""  # the common case: plain text
    phonetic = {id(x) for child in si if _local(child.tag) == "rPh" for x in child.iter()}
    return "".join(t.text or "" for t in si.iter() if _local(t.tag) == "t" and id(t) not in phonetic)
