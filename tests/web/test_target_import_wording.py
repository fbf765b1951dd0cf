"""An import's error codes become Japanese sentences (one for every rule projects-api can name), and the
row errors' CSV opens in Excel as Japanese and never runs a header from the file as a formula."""

from __future__ import annotations

from anken_projects.targets.import_columns import ValueFormat
from anken_projects.targets.import_rows import ROW_PROBLEMS
from anken_web.api_client import ApiError
from anken_web.i18n.catalogs import translations
from anken_web.pages import target_import_wording as wording
from anken_web.pages.targets import FORMAT_RULES


def _ja(message: str, **values: object) -> str:
    text = translations("ja").gettext(message)
    return text % values if values else text


def test_every_row_rule_of_the_parser_has_a_japanese_sentence() -> None:
    assert set(ROW_PROBLEMS) == set(wording.ROW_RULES)
    catalog = translations("ja")
    for template in (*wording.ROW_RULES.values(), *wording.FILE_RULES.values(), *FORMAT_RULES.values()):
        assert catalog.gettext(template) != template, template
    assert {f.value for f in ValueFormat} == set(FORMAT_RULES)


def test_row_errors_are_worded_with_the_files_column_and_their_params() -> None:
    problems = wording.row_problems([
        {"row": 4, "field": "company_name", "code": "too_long", "column": "Company", "params": {"max": 200},
         "message": "must be at most 200 characters"},
        {"row": 5, "field": "phone", "code": "some_future_rule", "column": None, "params": {},
         "message": "is odd"},
        {"row": None, "field": "file", "code": "cancelled", "message": "the import was cancelled"},
    ], _ja)
    assert [(p.row, p.column, p.rule) for p in problems] == [
        (4, "Company", "200 文字以内で入力してください。"),
        (5, problems[1].field, "is odd"),  # an unknown rule keeps the API's own words, never nothing
    ]


def test_file_refusals_say_what_to_do_in_japanese() -> None:
    junk = ApiError(422, errors=[{"row": None, "field": "file", "code": "not_csv_or_xlsx", "params": {},
                                  "message": "the file is neither a CSV nor an XLSX workbook"}])
    assert wording.refusal_sentence(junk, _ja) == "CSV または Excel (.xlsx) ファイルを選んでください。"
    header = ApiError(422, errors=[{"field": "file", "code": "no_recognised_header", "message": "x"}])
    assert wording.refusal_sentence(header, _ja) == (
        "見出し行に認識できる列がありません。会社名 (company_name) などの列名を1行目に入れてください。")
    large = ApiError(413, errors=[{"field": "file", "code": "file_too_large", "params": {"max_bytes": 20 * 1024 * 1024},
                                   "message": "must be at most 20,971,520 bytes"}])
    assert wording.refusal_sentence(large, _ja) == "ファイルが上限の 20 MB を超えています。ファイルを分けてください。"
    rows = ApiError(422, errors=[{"field": "file", "code": "too_many_rows", "params": {"max": 50000}, "message": "x"}])
    assert "50,000" in (wording.refusal_sentence(rows, _ja) or "")
    # The web's own body limit answers 413 without errors; an older API without codes: a sentence still.
    assert wording.refusal_sentence(ApiError(413), _ja) == _ja("The file is too large.")
    old = ApiError(422, errors=[{"field": "file", "message": "the file is empty"}])
    assert wording.refusal_sentence(old, _ja) == _ja(wording.CHECK_FILE)
    assert wording.refusal_sentence(ApiError(403), _ja) is None


def test_the_errors_csv_is_utf8_with_bom_and_formula_safe() -> None:
    problems = [wording.RowProblem(2, "=HYPERLINK(\"http://x\")", "会社名", "値を入力してください。"),
                wording.RowProblem(3, "法人番号", "法人番号", "-1+1")]
    content = wording.errors_csv(problems, _ja)
    assert content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0] == "行,列,項目,内容"
    assert lines[1].startswith("2,\"'=HYPERLINK(") and lines[2] == "3,法人番号,法人番号,'-1+1"
