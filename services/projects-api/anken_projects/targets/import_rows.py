"""One file row → a validated target candidate, or the reasons it is rejected."""

from __future__ import annotations

import dataclasses
import unicodedata
from dataclasses import dataclass
from typing import Any

from anken_projects.targets.company_names import normalise_company_name
from anken_projects.targets.corporate_number import (
    CORPORATE_NUMBER_PROBLEMS,
    corporate_number_problem_code,
    normalise_corporate_number,
)
from anken_projects.targets.import_columns import MAX_LENGTHS, TargetField
from anken_projects.targets.phone_numbers import PHONE_PROBLEMS, normalise_phone, phone_problem_code

DEFAULT_TIER = 3

# The rules a row can break: code → English message (params fill it). Clients translate the code.
ROW_PROBLEMS: dict[str, str] = {
    "required": "is required",
    "too_long": "must be at most {max} characters",
    "nul_character": "contains a NUL character",
    "tier_invalid": "must be 1, 2 or 3 (or A/B/C)",
    **PHONE_PROBLEMS,
    **CORPORATE_NUMBER_PROBLEMS,
}


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    code: str
    column: str | None = None  # the file's header of the cell, as written in the file
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def message(self) -> str:
        return ROW_PROBLEMS[self.code].format(**self.params)

    def as_report(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message, "code": self.code,
                "column": self.column, "params": self.params}


@dataclass
class TargetRow:
    row: int
    company_name: str
    name_key: str
    phone: str | None = None
    corporate_number: str | None = None
    industry: str | None = None
    size: str | None = None
    region: str | None = None
    priority_tier: int = DEFAULT_TIER
    contact_name: str | None = None
    note: str | None = None
    errors: list[RowError] = dataclasses.field(default_factory=list)


def _tier(raw: str) -> int | None:
    text = unicodedata.normalize("NFKC", raw).strip().upper()
    text = text.removeprefix("TIER").removeprefix("T").strip()
    if text.endswith(".0"):
        text = text[:-2]
    letters = {"A": 1, "B": 2, "C": 3, "高": 1, "中": 2, "低": 3}
    if text in letters:
        return letters[text]
    return int(text) if text in ("1", "2", "3") else None


def parse_row(number: int, cells: list[str], columns: dict[TargetField, int],
              headers: list[str] | None = None) -> TargetRow:
    """Validate and normalise a row; the result carries every error found in it (`headers`: the file's
    header row, so an error names the column as the file does)."""

    def problem(target_field: TargetField, code: str, **params: Any) -> RowError:
        index = columns.get(target_field)
        column = headers[index] if headers is not None and index is not None and index < len(headers) else None
        return RowError(number, target_field.value, code, column, params)

    def cell(target_field: TargetField) -> str | None:
        index = columns.get(target_field)
        if index is None or index >= len(cells):
            return None
        return cells[index].strip() or None

    errors: list[RowError] = []
    for target_field, index in columns.items():
        if index < len(cells) and "\x00" in cells[index]:
            # PostgreSQL text cannot hold NUL; such a cell usually means a binary file was uploaded.
            errors.append(problem(target_field, "nul_character"))
            cells = [*cells[:index], cells[index].replace("\x00", ""), *cells[index + 1:]]
    name = cell(TargetField.company_name)
    name_key = normalise_company_name(name)
    if not name or not name_key:
        errors.append(problem(TargetField.company_name, "required"))
    texts: dict[TargetField, str | None] = {}
    for target_field, limit in MAX_LENGTHS.items():
        value = cell(target_field)
        if value is not None and len(value) > limit:
            errors.append(problem(target_field, "too_long", max=limit))
        texts[target_field] = value

    phone = normalise_phone(cell(TargetField.phone))
    if phone is not None and (code := phone_problem_code(phone)):
        errors.append(problem(TargetField.phone, code))
    corporate_number = normalise_corporate_number(cell(TargetField.corporate_number))
    if corporate_number is not None and (code := corporate_number_problem_code(corporate_number)):
        errors.append(problem(TargetField.corporate_number, code))
    tier = DEFAULT_TIER
    raw_tier = cell(TargetField.priority_tier)
    if raw_tier is not None:
        parsed = _tier(raw_tier)
        if parsed is None:
            errors.append(problem(TargetField.priority_tier, "tier_invalid"))
        else:
            tier = parsed
    return TargetRow(
        row=number, company_name=(name or "")[:200], name_key=name_key or "", phone=phone,
        corporate_number=corporate_number, industry=texts[TargetField.industry], size=texts[TargetField.size],
        region=texts[TargetField.region], priority_tier=tier, contact_name=texts[TargetField.contact_name],
        note=texts[TargetField.note], errors=errors,
    )
