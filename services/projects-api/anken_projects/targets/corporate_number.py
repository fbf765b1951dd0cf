"""法人番号 (corporate number): 13 digits, the first being a check digit over the other 12.

The rule is the National Tax Agency's (法人番号の指定等に関する省令 第2条):
check = 9 − (Σ Pn × Qn mod 9), where Pn is the n-th digit of the 12-digit base counted
from the right (n = 1…12) and Qn is 1 when n is odd, 2 when n is even.
"""

from __future__ import annotations

import unicodedata


def check_digit(base12: str) -> int:
    """The check digit for a 12-digit base number."""
    if len(base12) != 12 or not base12.isascii() or not base12.isdigit():
        raise ValueError("the base of a corporate number is 12 digits")
    total = 0
    for n, digit in enumerate(reversed(base12), start=1):
        total += int(digit) * (1 if n % 2 else 2)
    return 9 - total % 9


def normalise_corporate_number(raw: str | None) -> str | None:
    """Digits only (full-width and separators accepted); None for an empty value."""
    if raw is None:
        return None
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    for separator in ("-", " ", "‐", "−", "ー"):
        text = text.replace(separator, "")
    if text.endswith(".0") and text[:-2].isdigit():  # a number cell read from a spreadsheet
        text = text[:-2]
    return text or None


# Why a normalised corporate number is invalid: code → English message.
CORPORATE_NUMBER_PROBLEMS = {
    "corporate_number_digits": "must contain digits only",
    "corporate_number_length": "must be 13 digits",
    "corporate_number_check_digit": "check digit does not match",
}


def corporate_number_problem_code(number: str) -> str | None:
    """The rule a normalised corporate number breaks (a key of CORPORATE_NUMBER_PROBLEMS), or None."""
    if not number.isascii() or not number.isdigit():
        return "corporate_number_digits"
    if len(number) != 13:
        return "corporate_number_length"
    if int(number[0]) != check_digit(number[1:]):
        return "corporate_number_check_digit"
    return None


def corporate_number_problem(number: str) -> str | None:
    """Why a normalised corporate number is invalid, or None when it is valid."""
    code = corporate_number_problem_code(number)
    return CORPORATE_NUMBER_PROBLEMS[code] if code else None


def is_valid_corporate_number(number: str) -> bool:
    return corporate_number_problem(number) is None
