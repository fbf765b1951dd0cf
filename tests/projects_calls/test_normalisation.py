"""法人番号 check digits, phone numbers and company names as lists arrive from Japanese Excel."""

from __future__ import annotations

import pytest

from anken_projects.targets.company_names import normalise_company_name
from anken_projects.targets.corporate_number import check_digit, corporate_number_problem, normalise_corporate_number
from anken_projects.targets.dedupe import DuplicateReason, Identity, SeenCompanies
from anken_projects.targets.phone_numbers import normalise_phone, phone_problem


@pytest.mark.parametrize("number", [
    "7000012050002",  # 国税庁
    "1180301018771",  # トヨタ自動車株式会社
    "5010401067252",  # ソニーグループ株式会社
])
def test_real_corporate_numbers_pass_the_check_digit(number: str) -> None:
    assert corporate_number_problem(number) is None
    assert check_digit(number[1:]) == int(number[0])


def test_corporate_number_with_wrong_check_digit_or_length_is_rejected() -> None:
    assert corporate_number_problem("8000012050002") == "check digit does not match"
    assert corporate_number_problem("700001205000") == "must be 13 digits"
    assert corporate_number_problem("70000120500AB") == "must contain digits only"


def test_corporate_number_accepts_full_width_and_spreadsheet_floats() -> None:
    assert normalise_corporate_number("７０００－０１２０－５０００２") == "7000012050002"
    assert normalise_corporate_number("7000012050002.0") == "7000012050002"


@pytest.mark.parametrize(("raw", "expected"), [
    ("０３－１２３４－５６７８", "0312345678"),
    ("03(1234)5678", "0312345678"),
    ("+81-3-1234-5678", "0312345678"),
    ("+81 (0)3 1234 5678", "0312345678"),
    ("090‐1234‐5678", "09012345678"),
    ("312345678", "0312345678"),  # Excel dropped the leading zero
])
def test_phone_numbers_normalise_to_domestic_digits(raw: str, expected: str) -> None:
    assert normalise_phone(raw) == expected
    assert phone_problem(expected) is None


def test_phone_that_is_not_japanese_is_a_problem() -> None:
    assert phone_problem(normalise_phone("12-34")) is not None
    assert phone_problem(normalise_phone("03-1234-5678-9999")) == "must have 10 or 11 digits"


@pytest.mark.parametrize("name", ["株式会社アンケン", "(株)アンケン", "㈱アンケン", "アンケン 株式会社", "（株）ｱﾝｹﾝ", "アンケン株式会社"])
def test_company_name_forms_share_one_key(name: str) -> None:
    assert normalise_company_name(name) == "アンケン"


def test_dedupe_prefers_corporate_number_then_phone_then_name() -> None:
    seen = SeenCompanies()
    seen.add(Identity("7000012050002", "0312345678", "アンケン"), "first")
    assert seen.match(Identity("7000012050002", None, "別名")) == (DuplicateReason.corporate_number, "first")
    assert seen.match(Identity(None, "0312345678", "別名")) == (DuplicateReason.phone, "first")
    assert seen.match(Identity(None, None, "アンケン")) == (DuplicateReason.name, "first")
    # A different corporate number proves a different company even with the same switchboard.
    assert seen.match(Identity("1180301018771", "0312345678", "アンケン")) is None
    # Same name but a different phone: homonyms.
    assert seen.match(Identity(None, "0398765432", "アンケン")) is None
