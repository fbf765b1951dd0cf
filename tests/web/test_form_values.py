"""Numbers typed into forms: full-width digits count, anything else reaches the API as typed (a 422 that names
the field), and nothing a browser can send makes a page fail ("²" passes str.isdigit but not int())."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from anken_web.form_values import version_header, whole_number

PAGES = Path(__file__).resolve().parents[2] / "web" / "anken_web" / "pages"


@pytest.mark.parametrize(("typed", "meant"), [("12", 12), ("１２", 12), (" 7 ", 7), ("0", 0)])
def test_whole_numbers_as_typed_on_any_keyboard(typed: str, meant: int) -> None:
    assert whole_number(typed) == meant


@pytest.mark.parametrize("typed", ["²", "¹²", "7.5", "-3", "", "abc", "1e3", "⑦"])
def test_anything_else_is_passed_on_unchanged(typed: str) -> None:
    assert whole_number(typed) == typed


def test_a_version_header_only_for_a_real_version() -> None:
    assert version_header("3") == {"If-Match": 'W/"3"'}
    assert version_header("²") is None and version_header("") is None


def test_no_page_decides_numbers_with_isdigit() -> None:
    """One home for the rule: pages call form_values instead of int(x) if x.isdigit()."""
    offenders = []
    for path in PAGES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr == "isdigit":
                offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []
