"""The emulated Google Sheets data: spreadsheets, their sheets and cell values, with the API's range rules."""

from __future__ import annotations

import copy
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from anken_sandbox.sequence import Sequence
from anken_sandbox.sheets.a1 import A1Error, A1Range, column_letters, format_range, parse_cells, split_sheet

MAX_CELLS = 10_000_000
NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
INPUT_OPTIONS = ("RAW", "USER_ENTERED")
Scalar = str | int | float | bool


class SheetsError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


@dataclass
class Sheet:
    sheet_id: int
    title: str
    index: int
    row_count: int = 1000
    col_count: int = 26
    cells: dict[tuple[int, int], Scalar] = field(default_factory=dict)

    def as_api(self) -> dict[str, Any]:
        return {"properties": {
            "sheetId": self.sheet_id, "title": self.title, "index": self.index, "sheetType": "GRID",
            "gridProperties": {"rowCount": self.row_count, "columnCount": self.col_count},
        }}

    def grid(self, start_row: int, start_col: int, end_row: int, end_col: int) -> list[list[Scalar | None]]:
        return [[self.cells.get((r, c)) for c in range(start_col, end_col + 1)] for r in range(start_row, end_row + 1)]

    def used_extent(self) -> tuple[int, int]:
        """(rows, columns) up to the last non-empty cell."""
        if not self.cells:
            return 0, 0
        return max(r for r, _ in self.cells) + 1, max(c for _, c in self.cells) + 1


@dataclass
class Spreadsheet:
    id: str
    title: str
    locale: str
    time_zone: str
    owner: str
    sheets: list[Sheet]
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    # Drive's side of the file: private key/value tags of the app that created it, and the bin.
    app_properties: dict[str, str] = field(default_factory=dict)
    trashed: bool = False

    def as_api(self, web_base: str = "https://docs.google.com") -> dict[str, Any]:
        """`web_base` is where a person opens the file (`spreadsheetUrl`): Google's Docs site, or the sandbox's."""
        return {
            "spreadsheetId": self.id,
            "properties": {"title": self.title, "locale": self.locale, "timeZone": self.time_zone,
                           "autoRecalc": "ON_CHANGE"},
            "sheets": [s.as_api() for s in self.sheets],
            "spreadsheetUrl": f"{web_base}/spreadsheets/d/{self.id}/edit",
        }

    def cell_count(self) -> int:
        return sum(s.row_count * s.col_count for s in self.sheets)


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    """The API omits trailing empty cells of each row and trailing empty rows."""
    out = []
    for row in rows:
        while row and row[-1] is None:
            row = row[:-1]
        out.append(["" if v is None else v for v in row])
    while out and not out[-1]:
        out.pop()
    return out


def _formatted(value: Any) -> Any:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value) if isinstance(value, int | float) else value


def _entered(value: Scalar, option: str) -> Scalar:
    """A cell value as stored: RAW keeps it; USER_ENTERED parses numbers and booleans as the UI would."""
    if option == "USER_ENTERED" and isinstance(value, str):
        text = value.strip()
        if NUMBER.match(text):
            number = float(text)
            return int(number) if number.is_integer() and "." not in text and "e" not in text.lower() else number
        if text.upper() in ("TRUE", "FALSE"):
            return text.upper() == "TRUE"
    return value


def _spreadsheet_dict(spreadsheet: Spreadsheet) -> dict[str, Any]:
    return {
        "id": spreadsheet.id, "title": spreadsheet.title, "locale": spreadsheet.locale,
        "time_zone": spreadsheet.time_zone, "owner": spreadsheet.owner, "created_at": spreadsheet.created_at.isoformat(),
        "app_properties": dict(spreadsheet.app_properties), "trashed": spreadsheet.trashed,
        "sheets": [
            {"sheet_id": sheet.sheet_id, "title": sheet.title, "index": sheet.index, "row_count": sheet.row_count,
             "col_count": sheet.col_count, "cells": [[r, c, value] for (r, c), value in sheet.cells.items()]}
            for sheet in spreadsheet.sheets
        ],
    }


def _spreadsheet_from_dict(fields: dict[str, Any]) -> Spreadsheet:
    sheets = [
        Sheet(sheet["sheet_id"], sheet["title"], sheet["index"], sheet["row_count"], sheet["col_count"],
              {(int(r), int(c)): value for r, c, value in sheet["cells"]})
        for sheet in fields["sheets"]
    ]
    return Spreadsheet(
        id=fields["id"], title=fields["title"], locale=fields["locale"], time_zone=fields["time_zone"],
        owner=fields["owner"], sheets=sheets, created_at=datetime.fromisoformat(fields["created_at"]),
        app_properties=dict(fields["app_properties"]), trashed=bool(fields["trashed"]),
    )


class Workbooks:
    def __init__(self) -> None:
        self.spreadsheets: dict[str, Spreadsheet] = {}
        self._sheet_ids = Sequence(1_000_001)

    # saved state (SANDBOX_STATE_FILE): the Drive file of each spreadsheet is the spreadsheet itself -----------
    def to_dict(self) -> dict[str, Any]:
        return {
            "spreadsheets": [_spreadsheet_dict(s) for s in self.spreadsheets.values()],
            "next_sheet_id": self._sheet_ids.next_value,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Workbooks:
        workbooks = cls()
        for fields in data["spreadsheets"]:
            spreadsheet = _spreadsheet_from_dict(fields)
            workbooks.spreadsheets[spreadsheet.id] = spreadsheet
        workbooks._sheet_ids = Sequence(int(data["next_sheet_id"]))
        return workbooks

    # spreadsheets ------------------------------------------------------------------------------------------
    def create(self, body: dict[str, Any], owner: str) -> Spreadsheet:
        props = body.get("properties") or {}
        if not isinstance(props, dict):
            raise SheetsError(400, "Invalid value at 'spreadsheet.properties'")
        spreadsheet = Spreadsheet(
            id=secrets.token_urlsafe(33)[:44], title=str(props.get("title") or "Untitled spreadsheet"),
            locale=str(props.get("locale") or "ja_JP"), time_zone=str(props.get("timeZone") or "Asia/Tokyo"),
            owner=owner, sheets=[],
        )
        sheets = body.get("sheets") or [{"properties": {"title": "Sheet1", "sheetId": 0}}]
        if not isinstance(sheets, list):
            raise SheetsError(400, "Invalid value at 'spreadsheet.sheets'")
        for position, sheet in enumerate(sheets):
            properties = sheet.get("properties", {}) if isinstance(sheet, dict) else None
            if not isinstance(properties, dict):
                raise SheetsError(400, f"Invalid value at 'spreadsheet.sheets[{position}]'")
            self._add_sheet(spreadsheet, properties, f"spreadsheet.sheets[{position}]")
        self.spreadsheets[spreadsheet.id] = spreadsheet
        return spreadsheet

    def get(self, spreadsheet_id: str) -> Spreadsheet:
        spreadsheet = self.spreadsheets.get(spreadsheet_id)
        if spreadsheet is None:
            raise SheetsError(404, "Requested entity was not found.")
        return spreadsheet

    def _add_sheet(self, spreadsheet: Spreadsheet, properties: Any, where: str) -> Sheet:
        if not isinstance(properties, dict):
            raise SheetsError(400, f"Invalid {where}.properties: an object is required")
        title = str(properties.get("title") or f"Sheet{len(spreadsheet.sheets) + 1}")
        if any(s.title.casefold() == title.casefold() for s in spreadsheet.sheets):
            raise SheetsError(400, f'Invalid {where}: A sheet with the name "{title}" already exists. '
                                   "Please enter another name.")
        sheet_id = properties.get("sheetId")
        if sheet_id is None:
            sheet_id = next(self._sheet_ids)
        if not isinstance(sheet_id, int) or sheet_id < 0 or any(s.sheet_id == sheet_id for s in spreadsheet.sheets):
            raise SheetsError(400, f"Invalid {where}: Sheet with id {sheet_id} already exists or is invalid.")
        grid = properties.get("gridProperties") or {}
        if not isinstance(grid, dict):
            raise SheetsError(400, f"Invalid {where}.gridProperties: an object is required")
        try:
            rows, cols = int(grid.get("rowCount", 1000)), int(grid.get("columnCount", 26))
        except (TypeError, ValueError):
            raise SheetsError(400, f"Invalid {where}.gridProperties")
        if rows < 1 or cols < 1:
            raise SheetsError(400, f"Invalid {where}.gridProperties: rowCount and columnCount must be ≥ 1")
        sheet = Sheet(sheet_id, title, len(spreadsheet.sheets), rows, cols)
        spreadsheet.sheets.append(sheet)
        if spreadsheet.cell_count() > MAX_CELLS:
            spreadsheet.sheets.pop()
            raise SheetsError(400, f"This action would increase the number of cells in the workbook above the limit "
                                   f"of {MAX_CELLS} cells.")
        return sheet

    def batch_update(self, spreadsheet: Spreadsheet, requests: Any) -> list[dict[str, Any]]:
        """Structural changes, all or nothing, like the API."""
        if not isinstance(requests, list) or not requests:
            raise SheetsError(400, "Invalid value at 'requests': at least one request is required")
        working = copy.deepcopy(spreadsheet)
        replies: list[dict[str, Any]] = []
        for position, request in enumerate(requests):
            where = f"requests[{position}]"
            if not isinstance(request, dict) or len(request) != 1:
                raise SheetsError(400, f"Invalid {where}: exactly one kind of request is required")
            kind, spec = next(iter(request.items()))
            spec = spec if isinstance(spec, dict) else {}
            if kind == "addSheet":
                sheet = self._add_sheet(working, spec.get("properties") or {}, f"{where}.addSheet")
                replies.append({"addSheet": sheet.as_api()})
            elif kind == "deleteSheet":
                target = next((s for s in working.sheets if s.sheet_id == spec.get("sheetId")), None)
                if target is None:
                    raise SheetsError(400, f"Invalid {where}.deleteSheet: No grid with id: {spec.get('sheetId')}")
                if len(working.sheets) == 1:
                    raise SheetsError(400, f"Invalid {where}.deleteSheet: You can't remove all the sheets in a document.")
                working.sheets.remove(target)
                for index, sheet in enumerate(working.sheets):
                    sheet.index = index
                replies.append({})
            elif kind == "updateSpreadsheetProperties":
                self._update_properties(working, spec, f"{where}.updateSpreadsheetProperties")
                replies.append({})
            else:
                raise SheetsError(400, f"Invalid {where}: the sandbox does not emulate '{kind}'")
        spreadsheet.sheets, spreadsheet.title = working.sheets, working.title
        spreadsheet.locale, spreadsheet.time_zone = working.locale, working.time_zone
        return replies

    @staticmethod
    def _update_properties(spreadsheet: Spreadsheet, spec: dict[str, Any], where: str) -> None:
        """Only the fields named in the mask change, as in the API (`fields` is required)."""
        properties = spec.get("properties")
        mask = spec.get("fields")
        if not isinstance(properties, dict) or not isinstance(mask, str) or not mask.strip():
            raise SheetsError(400, f"Invalid {where}: 'properties' and a 'fields' mask are required")
        names = {f.strip() for f in mask.split(",")}
        if "*" in names:
            names = {"title", "locale", "timeZone"}
        if unknown := names - {"title", "locale", "timeZone"}:
            raise SheetsError(400, f"Invalid {where}: the sandbox does not emulate the field(s) {sorted(unknown)}")
        if "title" in names:
            spreadsheet.title = str(properties.get("title") or "")
        if "locale" in names:
            spreadsheet.locale = str(properties.get("locale") or "en_US")
        if "timeZone" in names:
            spreadsheet.time_zone = str(properties.get("timeZone") or "Etc/GMT")

    # ranges and values -------------------------------------------------------------------------------------
    def resolve(self, spreadsheet: Spreadsheet, text: str) -> tuple[Sheet, A1Range]:
        try:
            sheet_title, cells = split_sheet(text)
            if sheet_title is None and cells is not None:
                named = next((s for s in spreadsheet.sheets if s.title == cells), None)
                if named is not None:
                    return named, A1Range(named.title)
            sheet = spreadsheet.sheets[0] if sheet_title is None else next(
                (s for s in spreadsheet.sheets if s.title == sheet_title), None
            )
            if sheet is None:
                raise A1Error(f"Unable to parse range: {text}")
            a1 = parse_cells(sheet.title, cells, text) if cells else A1Range(sheet.title)
        except A1Error as exc:
            raise SheetsError(400, str(exc))
        return sheet, a1

    def read(self, spreadsheet: Spreadsheet, text: str, major: str = "ROWS", render: str = "FORMATTED_VALUE") -> dict[str, Any]:
        sheet, a1 = self.resolve(spreadsheet, text)
        if a1.start_row >= sheet.row_count or a1.start_col >= sheet.col_count:
            raise SheetsError(400, f"Range ({text}) exceeds grid limits. Max rows: {sheet.row_count}, "
                                   f"max columns: {sheet.col_count}")
        end_row = min(sheet.row_count - 1, a1.end_row if a1.end_row is not None else sheet.row_count - 1)
        end_col = min(sheet.col_count - 1, a1.end_col if a1.end_col is not None else sheet.col_count - 1)
        rows = sheet.grid(a1.start_row, a1.start_col, end_row, end_col)
        if major == "COLUMNS":
            rows = [list(col) for col in zip(*rows, strict=True)] if rows else []
        values = _trim(rows)
        if render != "UNFORMATTED_VALUE":
            values = [[_formatted(v) for v in row] for row in values]
        result: dict[str, Any] = {
            "range": format_range(sheet.title, a1.start_row, a1.start_col, end_row, end_col), "majorDimension": major,
        }
        if values:
            result["values"] = values
        return result

    def _rows(self, values: Any, major: str) -> list[list[Any]]:
        if values is None:
            return []
        if not isinstance(values, list) or not all(isinstance(row, list) for row in values):
            raise SheetsError(400, "Invalid values: a list of lists is required")
        for r, row in enumerate(values):
            for c, value in enumerate(row):
                if value is not None and not isinstance(value, str | int | float | bool):
                    raise SheetsError(400, f"Invalid values[{r}][{c}]: a string, number or boolean is required")
        if major == "COLUMNS":
            width = max((len(col) for col in values), default=0)
            return [[col[i] if i < len(col) else None for col in values] for i in range(width)]
        return values

    def plan_write(self, spreadsheet: Spreadsheet, text: str, values: Any, major: str,
                   start_row: int | None = None) -> tuple[Sheet, int, int, list[list[Any]]]:
        """Check a write against its range before anything changes (batch writes are all or nothing)."""
        sheet, a1 = self.resolve(spreadsheet, text)
        rows = self._rows(values, major)
        top = a1.start_row if start_row is None else start_row
        height, width = len(rows), max((len(r) for r in rows), default=0)
        if start_row is None and a1.end_row is not None and height and top + height - 1 > a1.end_row:
            raise SheetsError(400, f"Requested writing within range [{text}], but tried writing to row "
                                   f"[{top + height}]")
        if a1.end_col is not None and width and a1.start_col + width - 1 > a1.end_col:
            raise SheetsError(400, f"Requested writing within range [{text}], but tried writing to column "
                                   f"[{column_letters(a1.start_col + width - 1)}]")
        grow = max(0, top + height - sheet.row_count) * sheet.col_count + max(
            0, a1.start_col + width - sheet.col_count) * max(sheet.row_count, top + height)
        if spreadsheet.cell_count() + grow > MAX_CELLS:
            raise SheetsError(400, f"This action would increase the number of cells in the workbook above the limit "
                                   f"of {MAX_CELLS} cells.")
        return sheet, top, a1.start_col, rows

    def apply_write(self, spreadsheet: Spreadsheet, plan: tuple[Sheet, int, int, list[list[Any]]],
                    option: str) -> dict[str, Any]:
        sheet, top, left, rows = plan
        written = 0
        width = max((len(r) for r in rows), default=0)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue  # null leaves the cell as it is, as in the API
                written += 1
                if value == "":
                    sheet.cells.pop((top + r, left + c), None)
                else:
                    sheet.cells[(top + r, left + c)] = _entered(value, option)  # _rows let only scalars and None through
        if rows:
            sheet.row_count = max(sheet.row_count, top + len(rows))
            sheet.col_count = max(sheet.col_count, left + width)
        result: dict[str, Any] = {"spreadsheetId": spreadsheet.id, "updatedRows": len(rows),
                                  "updatedColumns": width, "updatedCells": written}
        if rows and width:
            result["updatedRange"] = format_range(sheet.title, top, left, top + len(rows) - 1, left + width - 1)
        return result

    def append(self, spreadsheet: Spreadsheet, text: str, values: Any, major: str, option: str) -> dict[str, Any]:
        """Write after the last row of the table found in the range's columns."""
        sheet, a1 = self.resolve(spreadsheet, text)
        last_col = a1.end_col if a1.end_col is not None else max(sheet.col_count - 1, 0)
        used = [r for (r, c) in sheet.cells if r >= a1.start_row and a1.start_col <= c <= last_col]
        next_row = (max(used) + 1) if used else a1.start_row
        plan = self.plan_write(spreadsheet, text, values, major, start_row=next_row)
        result: dict[str, Any] = {"spreadsheetId": spreadsheet.id}
        if used:
            used_cols = [c for (r, c) in sheet.cells if r >= a1.start_row and a1.start_col <= c <= last_col]
            result["tableRange"] = format_range(sheet.title, a1.start_row, a1.start_col, max(used), max(used_cols))
        result["updates"] = self.apply_write(spreadsheet, plan, option)
        return result

    def clear(self, spreadsheet: Spreadsheet, text: str) -> dict[str, Any]:
        sheet, a1 = self.resolve(spreadsheet, text)
        end_row = a1.end_row if a1.end_row is not None else sheet.row_count - 1
        end_col = a1.end_col if a1.end_col is not None else sheet.col_count - 1
        for key in [k for k in sheet.cells if a1.start_row <= k[0] <= end_row and a1.start_col <= k[1] <= end_col]:
            del sheet.cells[key]
        return {"spreadsheetId": spreadsheet.id,
                "clearedRange": format_range(sheet.title, a1.start_row, a1.start_col, end_row, end_col)}
