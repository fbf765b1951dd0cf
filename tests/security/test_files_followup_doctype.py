"""A DOCTYPE anywhere in an XLSX part's prolog is refused, however much padding (comments,
processing instructions) comes before it and whatever the part's encoding; a long prolog without
one, or a comment that merely mentions one, is still a workbook."""

from __future__ import annotations

import os

import pytest

from .files_support import (  # noqa: F401 (fixtures)
    FAST_S,
    HEADER_ROW,
    MAIN,
    REL,
    api_fixture,
    company_row,
    file_error,
    files_app_fixture,
    floor_fixture,
    resources_fixture,
    sheet,
    upload,
    xlsx,
)

DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
DOCTYPE = '<!DOCTYPE root [<!ENTITY boom "boom">]>'
SHEET = sheet(HEADER_ROW + company_row(2))
WORKBOOK = f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>'
SHARED = f'<sst xmlns="{MAIN}" count="1"><si><t>株式会社</t></si></sst>'


def padding(size: int) -> str:
    """`size` bytes of comments and processing instructions of random hex (so no bomb ratio refuses them)."""
    text = os.urandom(size // 2).hex()
    step = 4096
    return "".join(f"<!-- {text[i:i + step]} --><?pad {i}?>" for i in range(0, len(text), step))


def with_prolog(root: str, size: int, *, doctype: bool = True) -> str:
    return DECLARATION + padding(size) + (DOCTYPE if doctype else "") + root


@pytest.mark.parametrize("size", [100 * 1024, 3 * 1024 * 1024])
async def test_a_doctype_behind_a_padded_prolog_of_the_sheet_is_refused(api, floor, size) -> None:
    response, took = await upload(api, floor, xlsx(with_prolog(SHEET, size)), "padded.xlsx")
    message = file_error(response)
    assert "DOCTYPE" in message and "sheet1.xml" in message and took < FAST_S, (message, took)


async def test_a_doctype_behind_padding_in_the_shared_strings_is_refused(api, floor) -> None:
    content = xlsx(SHEET, shared=["x"], extra={"xl/sharedStrings.xml": with_prolog(SHARED, 200 * 1024).encode()})
    message = file_error((await upload(api, floor, content, "shared.xlsx"))[0])
    assert "DOCTYPE" in message and "sharedStrings.xml" in message


async def test_a_doctype_behind_padding_in_the_workbook_is_refused(api, floor) -> None:
    content = xlsx(SHEET, workbook=with_prolog(WORKBOOK, 200 * 1024))
    message = file_error((await upload(api, floor, content, "workbook.xlsx"))[0])
    assert "DOCTYPE" in message and "workbook.xml" in message


async def test_a_doctype_in_a_utf16_part_is_refused(api, floor) -> None:
    part = ('<?xml version="1.0" encoding="UTF-16"?>' + DOCTYPE + SHEET).encode("utf-16")
    message = file_error((await upload(api, floor, xlsx("", extra={"xl/worksheets/sheet1.xml": part}), "u16.xlsx"))[0])
    assert "DOCTYPE" in message


async def test_a_long_prolog_without_a_doctype_still_imports(api, floor) -> None:
    response, took = await upload(api, floor, xlsx(with_prolog(SHEET, 300 * 1024, doctype=False)), "long.xlsx")
    assert response.status_code == 200 and response.json()["accepted_count"] == 1, response.text[:300]
    assert took < FAST_S


async def test_a_comment_naming_a_doctype_is_not_one(api, floor) -> None:
    part = DECLARATION + "<!-- exported by a tool that never writes <!DOCTYPE html> -->" + SHEET
    response, _ = await upload(api, floor, xlsx(part), "comment.xlsx")
    assert response.status_code == 200 and response.json()["accepted_count"] == 1, response.text[:300]
