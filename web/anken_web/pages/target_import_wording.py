"""An import's errors in the user's language: projects-api sends each as a rule `code` with its
`params`, the file's `column` header and an English `message`; this module words the code (the
catalog carries the sentences) and writes the row errors as a CSV a spreadsheet opens safely."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from anken_common.cell_safety import neutralise_row
from anken_web.api_client import ApiError
from anken_web.i18n.extraction import N_
from anken_web.vocabulary import field_label_of

Gettext = Callable[..., str]
BOM = "\ufeff"

# A row's rule → what to fix, as a sentence (params: max).
ROW_RULES: dict[str, str] = {
    "required": N_("Enter a value: this column is required."),
    "too_long": N_("Enter at most %(max)s characters."),
    "nul_character": N_("The cell holds a NUL character; save the file again as CSV or Excel (.xlsx)."),
    "tier_invalid": N_("Enter 1, 2 or 3 (or A, B or C)."),
    "phone_characters": N_("Use digits, hyphens or +81 only."),
    "phone_prefix": N_("Enter a Japanese number starting with 0 or +81."),
    "phone_length": N_("A phone number has 10 or 11 digits."),
    "corporate_number_digits": N_("Use digits only."),
    "corporate_number_length": N_("A corporate number has 13 digits."),
    "corporate_number_check_digit": N_("The check digit does not match: check the 13 digits."),
}

# The whole file's rule → the sentence shown next to the file field (params: max, row, max_bytes, seconds).
FILE_RULES: dict[str, str] = {
    "not_csv_or_xlsx": N_("Choose a CSV or Excel (.xlsx) file."),
    "empty_file": N_("The file is empty. Choose a CSV or Excel (.xlsx) file with a header row and data rows."),
    "no_header_row": N_("The first row must name the columns, e.g. 会社名 (company_name)."),
    "no_recognised_header": N_("The header row has no column this import recognises. Put column names such as "
                               "会社名 (company_name) in the first row."),
    "missing_company_name_column": N_("The file has no company name column. Name one 会社名 (company_name) in "
                                      "the first row."),
    "too_many_rows": N_("The file has more than %(max)s rows below the header. Split it into smaller files."),
    "too_many_columns": N_("Row %(row)s has more than %(max)s columns. Remove the extra columns."),
    "unreadable_csv": N_("The CSV file cannot be read. Save it again as CSV (UTF-8 or Shift_JIS)."),
    "unreadable_xlsx": N_("The Excel file cannot be read. Save it again as an Excel workbook (.xlsx)."),
    "file_too_large": N_("The file is larger than the limit of %(limit)s. Split it into smaller files."),
    "cancelled": N_("The import was cancelled."),
    "timed_out": N_("The import took longer than %(seconds)s seconds and was stopped. Split the file."),
    "stopped": N_("The import stopped without finishing. Upload the file again."),
    "failed_unexpectedly": N_("The import failed unexpectedly. Upload the file again."),
}
CHECK_FILE = N_("This file cannot be imported. Check that it is a CSV or Excel (.xlsx) list of companies.")


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str  # the header as the file has it (else the field's label)
    field: str  # the field's label
    rule: str  # what is wrong, in the user's language


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.4g} MB"


def _params(error: dict[str, Any]) -> dict[str, Any]:
    params = error.get("params")
    return params if isinstance(params, dict) else {}


def _fill(template: str, params: dict[str, Any], _: Gettext) -> str | None:
    values = {key: f"{value:,}" if isinstance(value, int) else f"{value:g}" if isinstance(value, float) else value
              for key, value in params.items()}
    if "max_bytes" in params and isinstance(params["max_bytes"], int):
        values["limit"] = megabytes(params["max_bytes"])
    try:
        return _(template, **values)
    except (KeyError, TypeError, ValueError):  # a code whose params this version does not know
        return None


def row_rule(error: dict[str, Any], _: Gettext) -> str:
    template = ROW_RULES.get(str(error.get("code")))
    worded = _fill(template, _params(error), _) if template else None
    return worded or str(error.get("message") or "")


def row_problems(errors: Iterable[dict[str, Any]], _: Gettext) -> list[RowProblem]:
    """The report's row errors (file-level ones have no row), worded."""
    problems = []
    for error in errors:
        if not isinstance(error, dict) or error.get("row") is None:
            continue
        label = field_label_of(error.get("field") or "", _)
        problems.append(RowProblem(int(error["row"]), str(error.get("column") or label), label, row_rule(error, _)))
    return problems


def file_sentence(errors: Iterable[dict[str, Any]], _: Gettext) -> str | None:
    """The sentence for the first file-level error (no row) of a report or problem, else None."""
    for error in errors:
        if isinstance(error, dict) and error.get("row") is None and error.get("field") in ("file", "mapping"):
            template = FILE_RULES.get(str(error.get("code")))
            return (_fill(template, _params(error), _) if template else None) or _(CHECK_FILE)
    return None


def refusal_sentence(exc: ApiError, _: Gettext) -> str | None:
    """What to tell the user next to the file field when projects-api refused the upload (None: not the file's fault)."""
    if exc.status == 413:
        sentence = file_sentence(exc.errors, _)
        if sentence:
            return sentence
        return _("The file is too large.")
    if exc.status == 422:
        return file_sentence(exc.errors, _)
    return None


def errors_csv(problems: list[RowProblem], _: Gettext) -> bytes:
    """Row errors as CSV: UTF-8 with a BOM (Japanese Excel opens it as is), every text cell neutralised
    so a spreadsheet never runs a header from the file as a formula."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(neutralise_row([_("Row"), _("Column"), _("Field"), _("Problem")]))
    for problem in problems:
        writer.writerow([problem.row, *neutralise_row([problem.column, problem.field, problem.rule])])
    return (BOM + out.getvalue()).encode("utf-8")
