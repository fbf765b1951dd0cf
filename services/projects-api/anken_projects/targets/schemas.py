"""Request and response models of target lists, targets and imports."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import ConfigDict, Field, computed_field

from anken_projects.kit.schemas import Output, StrictInput
from anken_projects.kit.validators import SaneMoment
from anken_projects.targets.models import ImportStatus, TargetStatus, settable_statuses

LIST_EXAMPLE: dict[str, Any] = {
    "id": "4f7c9a52-3f51-4a0e-9d7b-2f0b8f1c1e11", "project_id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f",
    "client_id": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d", "name": "2026年11月 製造業リスト", "source": "csv",
    "target_count": 1200, "created_at": "2026-11-02T09:00:00+09:00", "version": 1,
}
TARGET_EXAMPLE: dict[str, Any] = {
    "id": "9d1c2b3a-4f5e-4d6c-8b7a-0f1e2d3c4b5a", "target_list_id": LIST_EXAMPLE["id"],
    "project_id": LIST_EXAMPLE["project_id"], "client_id": LIST_EXAMPLE["client_id"],
    "company_name": "株式会社サンプル製作所", "industry": "製造業", "size": "100-299", "region": "東京都",
    "phone": "0312345678", "corporate_number": "7000012050002", "contact_name": None, "note": None,
    "priority_tier": 1, "status": "new", "callback_due_at": None, "call_count": 0, "last_called_at": None,
    "do_not_call": False, "allowed_statuses": ["new", "callback", "excluded"],
    "created_at": "2026-11-02T09:00:00+09:00", "version": 1,
}


class TargetListCreate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "2026年11月 製造業リスト", "source": "csv"}]})
    name: str = Field(min_length=1, max_length=200)
    source: str | None = Field(default=None, max_length=100, description="Where the list came from")


class TargetListUpdate(StrictInput):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True,
                              json_schema_extra={"examples": [{"name": "2026年11月 製造業リスト（追加分）"}]})
    name: str | None = Field(default=None, min_length=1, max_length=200)
    source: str | None = Field(default=None, max_length=100)


class TargetListOut(Output):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [LIST_EXAMPLE]})
    id: uuid.UUID
    project_id: uuid.UUID
    client_id: uuid.UUID
    name: str
    source: str | None
    target_count: int = 0
    created_at: datetime
    version: int


class TargetListPage(Output):
    items: list[TargetListOut]
    next_cursor: str | None = None


class TargetOut(Output):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [TARGET_EXAMPLE]})
    id: uuid.UUID
    target_list_id: uuid.UUID
    project_id: uuid.UUID
    client_id: uuid.UUID
    company_name: str
    industry: str | None
    size: str | None
    region: str | None
    phone: str | None = Field(description="Normalised: digits only, domestic form")
    corporate_number: str | None = Field(description="法人番号, 13 digits")
    contact_name: str | None
    note: str | None
    priority_tier: int = Field(ge=1, le=3, description="ABM tier: 1 is called first")
    status: TargetStatus
    callback_due_at: datetime | None
    call_count: int
    last_called_at: datetime | None
    do_not_call: bool = False
    created_at: datetime
    version: int

    @computed_field(description="The statuses PATCH may set now: new, callback, excluded (none while the target "  # type: ignore[prop-decorator]
                                "is do-not-call); the others follow from calls")
    @property
    def allowed_statuses(self) -> list[TargetStatus]:
        return list(settable_statuses(self.status))


class TargetPage(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [TARGET_EXAMPLE], "next_cursor": None}]})
    items: list[TargetOut]
    next_cursor: str | None = None


class TargetUpdate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"priority_tier": 1}, {"status": "excluded"}]})
    priority_tier: int | None = Field(default=None, ge=1, le=3)
    status: TargetStatus | None = Field(default=None, description="Manual changes: new, callback, excluded")
    callback_due_at: SaneMoment | None = None
    contact_name: str | None = Field(default=None, max_length=100)
    note: str | None = Field(default=None, max_length=1000)


ROW_ERROR_CODES = (
    "Row rules: `required`, `too_long` (params: max), `nul_character`, `tier_invalid`, `phone_characters`, "
    "`phone_prefix`, `phone_length`, `corporate_number_digits`, `corporate_number_length`, "
    "`corporate_number_check_digit`. File rules (row null): `not_csv_or_xlsx`, `empty_file`, `no_header_row`, "
    "`no_recognised_header`, `missing_company_name_column`, `mapping_unknown_field` (params: value), "
    "`mapping_missing_column` (params: column), `too_many_rows` (params: max), `too_many_columns` (params: max, "
    "row), `unreadable_csv`, `unreadable_xlsx`, `file_too_large` (params: max_bytes), `cancelled`, `timed_out` "
    "(params: seconds), `stopped`, `failed_unexpectedly`. New codes may be added; `message` always says it in English."
)


class ImportRowError(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"row": 4, "field": "corporate_number", "message": "check digit does not match",
         "code": "corporate_number_check_digit", "column": "法人番号", "params": {}},
        {"row": 7, "field": "company_name", "message": "must be at most 200 characters", "code": "too_long",
         "column": "会社名", "params": {"max": 200}},
        {"row": None, "field": "file", "message": "the file is neither a CSV nor an XLSX workbook",
         "code": "not_csv_or_xlsx", "column": None, "params": {}},
    ]})
    row: int | None = Field(
        description="Row number as a spreadsheet shows it (the header is row 1); null: the file as a whole "
                    "(unreadable, over a limit, cancelled or stopped at its time limit)")
    field: str = Field(description="The target field (company_name, phone, …), or `file` / `mapping` for the file")
    message: str = Field(description="The rule broken, in English")
    code: str | None = Field(default=None, description="The rule broken, machine-readable (null on imports made "
                                                       "before codes existed). " + ROW_ERROR_CODES)
    column: str | None = Field(default=None, description="The file's header of the cell, as written in the file")
    params: dict[str, Any] = Field(default_factory=dict, description="Values of the rule, e.g. {\"max\": 200}")


class ImportDuplicate(Output):
    row: int
    reason: str = Field(description="corporate_number | phone | name")
    duplicate_of_row: int | None = Field(default=None, description="An earlier row of the same file")
    existing_target_id: uuid.UUID | None = Field(default=None, description="A target already in the client's lists")


class ImportReport(Output):
    model_config = ConfigDict(from_attributes=True, json_schema_extra={"examples": [{
        "id": "1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b", "target_list_id": LIST_EXAMPLE["id"], "dry_run": True,
        "status": "succeeded", "file_kind": "csv", "encoding": "cp932", "rows_total": 3, "rows_processed": 3,
        "created_count": 0, "accepted_count": 1, "duplicate_count": 1, "error_count": 1,
        "errors": [{"row": 4, "field": "corporate_number", "message": "check digit does not match",
                    "code": "corporate_number_check_digit", "column": "法人番号", "params": {}}],
        "duplicates": [{"row": 3, "reason": "phone", "duplicate_of_row": 2, "existing_target_id": None}],
        "created_at": "2026-11-02T09:00:00+09:00", "finished_at": "2026-11-02T09:00:01+09:00", "reason": None,
    }, {
        "id": "2c3d4e5f-6071-4829-9b0c-1d2e3f4a5b6c", "target_list_id": LIST_EXAMPLE["id"], "dry_run": False,
        "status": "running", "file_kind": "csv", "encoding": "utf-8-sig", "rows_total": 40000,
        "rows_processed": 12000, "created_count": 0, "accepted_count": 0, "duplicate_count": 0, "error_count": 0,
        "errors": [], "duplicates": [], "created_at": "2026-11-02T09:00:00+09:00", "finished_at": None,
        "reason": None,
    }, {
        "id": "3d4e5f60-7182-4930-8c1d-2e3f4a5b6c7d", "target_list_id": LIST_EXAMPLE["id"], "dry_run": False,
        "status": "cancelled", "file_kind": "xlsx", "encoding": None, "rows_total": None, "rows_processed": 8000,
        "created_count": 0, "accepted_count": 0, "duplicate_count": 0, "error_count": 0,
        "errors": [{"row": None, "field": "file", "message": "the import was cancelled", "code": "cancelled",
                    "column": None, "params": {}}], "duplicates": [],
        "created_at": "2026-11-02T09:00:00+09:00", "finished_at": "2026-11-02T09:00:04+09:00",
        "reason": "the import was cancelled",
    }]})
    id: uuid.UUID
    target_list_id: uuid.UUID
    dry_run: bool
    status: ImportStatus
    file_kind: str
    encoding: str | None
    rows_total: int | None = Field(description="Data rows in the file (CSV: counted first; XLSX: known once read)")
    rows_processed: int
    created_count: int = Field(description="Targets written (0 for a dry run or a failed import)")
    accepted_count: int = Field(description="Rows that are (or, for a dry run, would be) added as targets")
    duplicate_count: int
    error_count: int
    errors: list[ImportRowError] = Field(description="The first 1,000 row errors")
    duplicates: list[ImportDuplicate] = Field(description="The first 1,000 duplicates (skipped, not errors)")
    created_at: datetime
    finished_at: datetime | None

    @computed_field(description="Why a failed or cancelled job ended, when not for row errors")  # type: ignore[prop-decorator]
    @property
    def reason(self) -> str | None:
        return next((e.message for e in self.errors if e.row is None), None)


class ImportColumnOut(Output):
    field: str = Field(description="The target field the column feeds")
    japanese_headers: list[str] = Field(description="Headers recognised in Japanese (the first is the usual one)")
    english_headers: list[str] = Field(description="Headers recognised in English (case, spaces and hyphens ignored)")
    required: bool
    format: str = Field(description="What a cell must hold: text (up to max_length characters), phone (a "
                                    "Japanese number), corporate_number (法人番号, 13 digits with its check digit) "
                                    "or tier (1, 2, 3 or A/B/C; 3 when empty)")
    max_length: int | None = Field(description="Characters at most, for text columns")
    example: str = Field(description="An example value (the example file's first row)")


class ImportColumnsOut(Output):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "columns": [{"field": "company_name", "japanese_headers": ["会社名", "企業名"],
                     "english_headers": ["company", "company_name"], "required": True, "format": "text",
                     "max_length": 200, "example": "株式会社サンプル製作所"}],
        "max_bytes": 20971520, "max_rows": 50000, "max_columns": 200,
    }]})
    columns: list[ImportColumnOut] = Field(description="Every column an import recognises by its header")
    max_bytes: int = Field(description="The largest file accepted (413 above)")
    max_rows: int = Field(description="Data rows below the header at most")
    max_columns: int
