"""Which file column feeds which target field: Japanese and English headers auto-mapped,
overridable with an explicit `{"file header": "field"}` mapping."""

from __future__ import annotations

import unicodedata
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


HEADER_ALIASES: dict[TargetField, tuple[str, ...]] = {
    TargetField.company_name: ("会社名", "企業名", "社名", "法人名", "商号", "company", "company_name", "companyname", "name"),
    TargetField.phone: ("電話番号", "電話", "代表電話", "代表電話番号", "tel", "phone", "phone_number", "telephone"),
    TargetField.corporate_number: ("法人番号", "corporate_number", "corporatenumber", "corporate_no", "houjin_bangou"),
    TargetField.industry: ("業種", "業界", "industry", "sector"),
    TargetField.size: ("従業員規模", "従業員数", "規模", "企業規模", "size", "employees", "company_size"),
    TargetField.region: ("地域", "都道府県", "エリア", "region", "prefecture", "area"),
    TargetField.priority_tier: ("優先度", "優先順位", "ティア", "ランク", "tier", "priority", "priority_tier", "abm_tier"),
    TargetField.contact_name: ("担当者", "担当者名", "contact", "contact_name"),
    TargetField.note: ("備考", "メモ", "note", "notes", "memo"),
}


def _header_key(header: str) -> str:
    return unicodedata.normalize("NFKC", header).strip().lower().replace(" ", "_").replace("-", "_")


_ALIAS_INDEX: dict[str, TargetField] = {
    _header_key(alias): target_field for target_field, aliases in HEADER_ALIASES.items() for alias in aliases
}


class MappingError(ValueError):
    """The mapping cannot be used; `field` names the offending request field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def resolve_columns(headers: list[str], mapping: dict[str, str] | None) -> dict[TargetField, int]:
    """Column index per target field. An explicit mapping wins over the aliases."""
    columns: dict[TargetField, int] = {}
    keys = [_header_key(h or "") for h in headers]
    explicit = mapping or {}
    for header, field_name in explicit.items():
        try:
            target_field = TargetField(field_name)
        except ValueError:
            raise MappingError("mapping", f"unknown target field {field_name!r}; use one of {', '.join(TargetField)}")
        key = _header_key(header)
        if key not in keys:
            raise MappingError("mapping", f"the file has no column {header!r}")
        columns[target_field] = keys.index(key)
    taken = set(columns.values())
    for index, key in enumerate(keys):
        target_field = _ALIAS_INDEX.get(key)
        if target_field and target_field not in columns and index not in taken:
            columns[target_field] = index
            taken.add(index)
    if TargetField.company_name not in columns:
        raise MappingError("file", "no company name column (e.g. 会社名 or company_name); pass `mapping` to name it")
    return columns
