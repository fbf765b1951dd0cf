"""Which file column feeds which target field: Japanese and English headers auto-mapped,
overridable with an explicit `{"file header": "field"}` mapping.

`COLUMNS` is the one definition of the recognised headers: the parser resolves a file's header
row with it, `GET /v1/target-imports/columns` lists it (the web's import help shows that list)
and the example file is written from it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class TargetField(StrEnum):
    company_name = "company_name"
    phone = "phone"
    corporate_number = "corporate_number"
    industry = "industry"
    size = "size"
    region = "region"
    priority_tier = "priority_tier"
    contact_name = "contact_name"
    note = "note"


class ValueFormat(StrEnum):
    """What a column's cells must hold (the rule its row errors enforce)."""

    text = "text"
    phone = "phone"
    corporate_number = "corporate_number"
    tier = "tier"


@dataclass(frozen=True)
class ImportColumn:
    field: TargetField
    japanese: tuple[str, ...]  # headers accepted in Japanese; the first is the one the example file uses
    english: tuple[str, ...]  # headers accepted in English (case, spaces and hyphens do not matter)
    required: bool
    value_format: ValueFormat
    max_length: int | None
    examples: tuple[str, str]  # the example file's two rows

    @property
    def headers(self) -> tuple[str, ...]:
        return self.japanese + self.english


COLUMNS: tuple[ImportColumn, ...] = (
    ImportColumn(TargetField.company_name, ("会社名", "企業名", "社名", "法人名", "商号"),
                 ("company", "company_name", "companyname", "name"), True, ValueFormat.text, 200,
                 ("株式会社サンプル製作所", "見本商事株式会社")),
    ImportColumn(TargetField.phone, ("電話番号", "電話", "代表電話", "代表電話番号"),
                 ("tel", "phone", "phone_number", "telephone"), False, ValueFormat.phone, None,
                 ("03-1234-5678", "06-6123-4567")),
    ImportColumn(TargetField.corporate_number, ("法人番号",),
                 ("corporate_number", "corporatenumber", "corporate_no", "houjin_bangou"), False,
                 ValueFormat.corporate_number, None, ("9010401234567", "9120001098765")),
    ImportColumn(TargetField.industry, ("業種", "業界"), ("industry", "sector"), False, ValueFormat.text, 100,
                 ("製造業", "卸売業")),
    ImportColumn(TargetField.size, ("従業員規模", "従業員数", "規模", "企業規模"),
                 ("size", "employees", "company_size"), False, ValueFormat.text, 50, ("100-299", "50-99")),
    ImportColumn(TargetField.region, ("地域", "都道府県", "エリア"), ("region", "prefecture", "area"), False,
                 ValueFormat.text, 50, ("東京都", "大阪府")),
    ImportColumn(TargetField.priority_tier, ("優先度", "優先順位", "ティア", "ランク"),
                 ("tier", "priority", "priority_tier", "abm_tier"), False, ValueFormat.tier, None, ("1", "2")),
    ImportColumn(TargetField.contact_name, ("担当者", "担当者名"), ("contact", "contact_name"), False,
                 ValueFormat.text, 100, ("総務部 山田様", "")),
    ImportColumn(TargetField.note, ("備考", "メモ"), ("note", "notes", "memo"), False, ValueFormat.text, 1000,
                 ("展示会で名刺交換済み", "")),
)
COLUMN_OF: dict[TargetField, ImportColumn] = {column.field: column for column in COLUMNS}
HEADER_ALIASES: dict[TargetField, tuple[str, ...]] = {column.field: column.headers for column in COLUMNS}
# Text fields: their limit in characters (the targets table's column sizes).
MAX_LENGTHS: dict[TargetField, int] = {c.field: c.max_length for c in COLUMNS if c.max_length is not None}


def _header_key(header: str) -> str:
    return unicodedata.normalize("NFKC", header).strip().lower().replace(" ", "_").replace("-", "_")


_ALIAS_INDEX: dict[str, TargetField] = {
    _header_key(alias): target_field for target_field, aliases in HEADER_ALIASES.items() for alias in aliases
}


def recognised_field(header: str) -> TargetField | None:
    """The target field a file header feeds by itself (no mapping), or None."""
    return _ALIAS_INDEX.get(_header_key(header or ""))


class MappingError(ValueError):
    """The mapping cannot be used; `field` names the offending request field, `code` the rule broken."""

    def __init__(self, field: str, message: str, code: str, **params: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code
        self.params = params


def resolve_columns(headers: list[str], mapping: dict[str, str] | None) -> dict[TargetField, int]:
    """Column index per target field. An explicit mapping wins over the aliases."""
    columns: dict[TargetField, int] = {}
    keys = [_header_key(h or "") for h in headers]
    explicit = mapping or {}
    for header, field_name in explicit.items():
        try:
            target_field = TargetField(field_name)
        except ValueError:
            raise MappingError("mapping", f"unknown target field {field_name!r}; use one of {', '.join(TargetField)}",
                               "mapping_unknown_field", value=field_name[:100])
        key = _header_key(header)
        if key not in keys:
            raise MappingError("mapping", f"the file has no column {header!r}", "mapping_missing_column",
                               column=header[:100])
        columns[target_field] = keys.index(key)
    taken = set(columns.values())
    for index, key in enumerate(keys):
        alias_field = _ALIAS_INDEX.get(key)
        if alias_field and alias_field not in columns and index not in taken:
            columns[alias_field] = index
            taken.add(index)
    if TargetField.company_name not in columns:
        recognised = any(_ALIAS_INDEX.get(key) for key in keys)
        raise MappingError("file", "no company name column (e.g. 会社名 or company_name); pass `mapping` to name it",
                           "missing_company_name_column" if recognised else "no_recognised_header")
    return columns
