"""Japanese phone numbers as one canonical digit string (e.g. "0312345678").

Lists come typed by hand: full-width digits, hyphens of every width, brackets, spaces,
and the international form +81 (with or without the trunk 0 in parentheses).
"""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-‐‑‒–—―−ー()（）.・/]")


def normalise_phone(raw: str | None) -> str | None:
    """Digits only, domestic form (leading 0); None for an empty value."""
    if raw is None:
        return None
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if not text:
        return None
    if text.endswith(".0") and text[:-2].isdigit():  # a number cell read from a spreadsheet
        text = text[:-2]
    international = text.startswith("+")
    text = _SEPARATORS.sub("", text.lstrip("+"))
    if text.startswith("0081"):
        text, international = text[4:], True
    elif international and text.startswith("81"):
        text = text[2:]
    if international:
        # "+81 (0)3-…" keeps the trunk prefix once; "+81 3-…" needs it added back.
        text = text if text.startswith("0") else "0" + text
    elif not text.startswith("0") and len(text) in (9, 10) and text.isdigit():
        # Spreadsheets drop the leading zero of numbers stored as numbers.
        text = "0" + text
    return text or None


# Why a normalised phone number is not a Japanese number: code → English message.
PHONE_PROBLEMS = {
    "phone_characters": "must contain digits, hyphens or +81 only",
    "phone_prefix": "must be a Japanese number starting with 0 or +81",
    "phone_length": "must have 10 or 11 digits",
}


def phone_problem_code(phone: str) -> str | None:
    """The rule a normalised phone number breaks (a key of PHONE_PROBLEMS), or None when it is plausible."""
    if not phone.isascii() or not phone.isdigit():
        return "phone_characters"
    if not phone.startswith("0"):
        return "phone_prefix"
    if len(phone) not in (10, 11):
        return "phone_length"
    return None


def phone_problem(phone: str) -> str | None:
    """Why a normalised phone number is not a Japanese number, or None when it is plausible."""
    code = phone_problem_code(phone)
    return PHONE_PROBLEMS[code] if code else None
