"""One file row → a validated target candidate, or the reasons it is rejected."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from anken_projects.targets.company_names import normalise_company_name
from anken_projects.targets.corporate_number import corporate_number_problem, normalise_corporate_number
from anken_projects.targets.import_columns import TargetField
from anken_projects.targets.phone_numbers import normalise_phone, phone_problem

MAX_LENGTHS = {
    TargetField.company_name: 200, TargetField.industry: 100, TargetField.size: 50, TargetField.region: 50,
    TargetField.contact_name: 100, TargetField.note: 1000,
}
DEFAULT_TIER = 3


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    message: str


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
    errors: list[RowError] = field(default_factory=list)


def _tier(raw: str) -> int | None:
    text = unicodedata.normalize("NFKC", raw).strip().upper()
    text = text.removeprefix("TIER").removeprefix("T").strip()
    if text.endswith(".0"):
        text = text[:-2]
    letters = {"A": 1, "B": 2, "C": 3, "高": 1, "中": 2, "低": 3}
    if text in letters:
        return letters[text]
    return int(text) if text in ("1", "2", "3") else None


def parse_row(number: int, cells: list[str], columns: dict[TargetField, int]) -> TargetRow:
    """Validate and normalise a row; the result carries every error found in it."""

    def cell(target_field: TargetField) -> str | None:
        index = columns.get(target_field)
        if index is None or index >= len(cells):
            return None
        return cells[index].strip() or None

    errors: list[RowError] = []
    for target_field, index in columns.items():
        if index < len(cells) and "\x00" in cells[index]:
            # PostgreSQL text cannot hold NUL; such a cell usually means a binary file was uploaded.
            errors.append(RowError(number, target_field.value, "contains a NUL character"))
            cells = [*cells[:index], cells[index].replace("\x00", ""), *cells[index + 1:]]
    name = cell(TargetField.company_name)
    name_key = normalise_company_name(name)
    if not name or not name_key:
        errors.append(RowError(number, "company_name", "is required"))
    texts: dict[TargetField, str | None] = {}
    for target_field, limit in MAX_LENGTHS.items():
        value = cell(target_field)
        if value is not None and len(value) > limit:
            errors.append(RowError(number, target_field.value, f"must be at most {limit} characters"))
        texts[target_field] = value

    phone = normalise_phone(cell(TargetField.phone))
    if phone is not None and (problem := phone_problem(phone)):
        errors.append(RowError(number, "phone", problem))
    corporate_number = normalise_corporate_number(cell(TargetField.corporate_number))
    if corporate_number is not None and (problem := corporate_number_problem(corporate_number)):
        errors.append(RowError(number, "corporate_number", problem))
    tier = DEFAULT_TIER
    raw_tier = cell(TargetField.priority_tier)
    if raw_tier is not None:
        parsed = _tier(raw_tier)
        if parsed is None:
            errors.append(RowError(number, "priority_tier", "must be 1, 2 or 3 (or A/B/C)"))
        else:
            tier = parsed
    return TargetRow(
        row=number, company_name=(name or "")[:200], name_key=name_key or "", phone=phone,
        corporate_number=corporate_number, industry=texts[TargetField.industry], size=texts[TargetField.size],
        region=texts[TargetField.region], priority_tier=tier, contact_name=texts[TargetField.contact_name],
        note=texts[TargetField.note], errors=errors,
    )
