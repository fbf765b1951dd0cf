"""Hostile approach-list uploads are refused fast with a 422 naming the row, cell or part; never a
500, never minutes of CPU. Each XLSX here is a few KB, written by hand with zipfile and XML."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from .files_support import (  # noqa: F401 (fixtures)
    FAST_S,
    HEADER_ROW,
    api_fixture,
    big_csv,
    company_row,
    count_targets,
    file_error,
    files_app_fixture,
    floor_fixture,
    resources_fixture,
    sheet,
    upload,
    xlsx,
)

# The billion laughs: nine levels of ten entities each.
LAUGHS = '<!DOCTYPE worksheet [<!ENTITY l0 "ha">' + "".join(
    f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10)) + "]>"
DATE_STYLES = (
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs></styleSheet>'
)


async def test_a_sheet_declaring_a1_to_xfd1048576_is_refused_within_a_second(api, floor) -> None:
    content = xlsx(sheet(HEADER_ROW + company_row(2), dimension="A1:XFD1048576"))
    assert len(content) < 4096
    response, took = await upload(api, floor, content, "dimension.xlsx")
    assert "A1:XFD1048576" in file_error(response) and took < FAST_S


async def test_one_cell_at_row_one_million_is_refused_within_a_second(api, floor) -> None:
    far = '<row r="1000000"><c r="A1000000" t="inlineStr"><is><t>遠い会社</t></is></c></row>'
    response, took = await upload(api, floor, xlsx(sheet(HEADER_ROW + company_row(2) + far)), "far.xlsx")
    assert "1,000,000" in file_error(response) and took < FAST_S


async def test_a_value_far_to_the_right_is_refused_as_too_many_columns(api, floor) -> None:
    wide = '<row r="2"><c r="A2" t="inlineStr"><is><t>広い会社</t></is></c><c r="XFD2"><v>1</v></c></row>'
    response, took = await upload(api, floor, xlsx(sheet(HEADER_ROW + wide)), "wide.xlsx")
    assert "XFD2" in file_error(response) and took < FAST_S


async def test_a_small_declared_size_is_not_believed_either(api, floor) -> None:
    """The reader counts real rows: a sheet claiming A1:B2 that holds three rows imports three."""
    rows = HEADER_ROW + company_row(2, "株式会社一", "0311110001") + company_row(3, "株式会社二", "0311110002") \
        + company_row(4, "株式会社三", "0311110003")
    response, _ = await upload(api, floor, xlsx(sheet(rows, dimension="A1:B2")), "small.xlsx")
    assert response.status_code == 200, response.text
    assert (response.json()["rows_total"], response.json()["accepted_count"]) == (3, 3)


@pytest.mark.parametrize(("name", "content", "names"), [
    ("broken XML", xlsx(sheet(HEADER_ROW)[:-30] + "<row r=\"2\"><c"), "xl/worksheets/sheet1.xml"),
    ("no sheet", xlsx(sheet(HEADER_ROW), workbook='<workbook xmlns="http://schemas.openxmlformats.org/'
                                                  'spreadsheetml/2006/main"><sheets/></workbook>'), "no sheet"),
    ("no workbook part", xlsx(sheet(HEADER_ROW), extra={}).replace(b"xl/workbook.xml", b"xl/workbook.xmz"),
     "workbook"),
    ("bad cell reference", xlsx(sheet(HEADER_ROW + '<row r="2"><c r="2A"><v>1</v></c></row>')), "2A"),
    ("cell of another row", xlsx(sheet(HEADER_ROW + '<row r="2"><c r="A7"><v>1</v></c></row>')), "A7"),
    ("bad row number", xlsx(sheet(HEADER_ROW + '<row r="x2"><c><v>1</v></c></row>')), "x2"),
    ("rows out of order", xlsx(sheet(HEADER_ROW + company_row(3) + company_row(2))), "out of order"),
    ("bad number", xlsx(sheet(HEADER_ROW + '<row r="2"><c r="A2"><v>12abc</v></c></row>')), "A2"),
    ("infinite number", xlsx(sheet(HEADER_ROW + '<row r="2"><c r="B2"><v>inf</v></c></row>')), "B2"),
    ("bad ISO date cell", xlsx(sheet(HEADER_ROW + '<row r="2"><c r="A2" t="d"><v>2026-13-45</v></c></row>')), "A2"),
    ("date serial out of range", xlsx(sheet(HEADER_ROW + '<row r="2"><c r="B2" s="1"><v>-5</v></c></row>'),
                                      styles=DATE_STYLES), "B2"),
    ("huge date serial", xlsx(sheet(HEADER_ROW + '<row r="2"><c r="B2" s="1"><v>1e20</v></c></row>'),
                              styles=DATE_STYLES), "B2"),
    ("bad boolean", xlsx(sheet(HEADER_ROW + '<row r="2"><c r="A2" t="b"><v>7</v></c></row>')), "A2"),
    ("shared string out of range", xlsx(sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
                                              '<row r="2"><c r="A2" t="s"><v>99999</v></c></row>'),
                                        shared=["会社名"]), "A2"),
    ("negative shared string", xlsx(sheet('<row r="1"><c r="A1" t="s"><v>-1</v></c></row>'), shared=["会社名"]), "A1"),
    ("broken shared strings", xlsx(sheet(HEADER_ROW), shared=["<unclosed"]), "sharedStrings"),
    ("not a zip", b"PK\x03\x04" + b"\x00" * 200, "zip"),
    ("entity expansion", xlsx(LAUGHS + sheet(HEADER_ROW + company_row(2, "&l9;"))), "DOCTYPE"),
    ("external entity", xlsx('<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                             + sheet(HEADER_ROW + company_row(2, "&x;"))), "DOCTYPE"),
    ("entity in the workbook part", xlsx(sheet(HEADER_ROW), workbook='<!DOCTYPE w [<!ENTITY x "y">]><workbook/>'),
     "DOCTYPE"),
])
async def test_a_damaged_workbook_is_a_422_naming_its_part_row_or_cell(api, floor, name, content, names) -> None:
    response, took = await upload(api, floor, content, "hostile.xlsx")
    message = file_error(response)
    assert names in message, (name, message)
    assert took < FAST_S


async def test_a_decompression_bomb_is_refused_before_it_is_inflated(api, floor) -> None:
    bomb = xlsx(sheet(HEADER_ROW), extra={"xl/media/padding.bin": b"\x00" * (8 * 1024 * 1024)})
    assert len(bomb) < 64 * 1024
    response, took = await upload(api, floor, bomb, "bomb.xlsx")
    assert "decompression bomb" in file_error(response) and took < FAST_S


async def test_a_bomb_hidden_in_the_sheet_itself_is_refused(api, floor) -> None:
    padding = "<row r=\"2\"/>" + " " * (16 * 1024 * 1024)
    response, took = await upload(api, floor, xlsx(sheet(HEADER_ROW + padding)), "bomb.xlsx")
    assert "sheet1.xml" in file_error(response) and took < FAST_S


async def test_an_archive_of_thousands_of_parts_is_refused(api, floor) -> None:
    many = xlsx(sheet(HEADER_ROW), extra={f"xl/junk/{i}.xml": b"<a/>" for i in range(2000)})
    response, took = await upload(api, floor, many, "many.xlsx")
    assert "parts" in file_error(response) and took < FAST_S


async def test_sixty_thousand_rows_are_refused_by_the_row_cap(api, floor, resources) -> None:
    response, took = await upload(api, floor, big_csv(60_000), "big.csv", dry_run=False)
    assert "50,000" in file_error(response) and took < 5 * FAST_S
    assert await count_targets(resources, floor.list_id) == 2


async def test_a_csv_with_too_many_columns_is_refused(api, floor) -> None:
    row = ",".join(["会社名", *[f"列{i}" for i in range(300)]]) + "\n" + ",".join(["株式会社列", *["x"] * 300]) + "\n"
    response, took = await upload(api, floor, row.encode(), "wide.csv")
    assert "200" in file_error(response) and took < FAST_S


async def test_a_file_past_the_byte_cap_is_413_before_it_is_parsed(api, floor, resources, monkeypatch) -> None:
    monkeypatch.setattr(resources.settings, "import_max_bytes", 64 * 1024)
    response, _ = await upload(api, floor, b"company_name\n" + b"x" * (128 * 1024) + b"\n", "big.csv")
    assert response.status_code == 413, response.text[:300]
    assert response.json()["errors"][0]["field"] == "file"


@pytest.mark.parametrize("mapping", [
    "[" * 100_000 + "]" * 100_000,
    "[" * 4000 + "]" * 4000,  # short, but deeper than the JSON parser's stack
    '{"a":' * 5000 + '"company_name"' + "}" * 5000,
    json.dumps({f"h{i}": "note" for i in range(500)}),
    '{"会社名": {"nested": "company_name"}}',
])
async def test_a_deep_or_huge_mapping_is_a_422_naming_mapping(api, floor, mapping) -> None:
    response, took = await upload(api, floor, "会社名\n株式会社マップ\n".encode(), "m.csv", data={"mapping": mapping})
    assert response.status_code == 422, response.text[:300]
    assert response.json()["errors"][0]["field"] == "mapping" and took < FAST_S


async def test_a_well_formed_handwritten_workbook_still_imports(api, floor, resources) -> None:
    """The strict reader reads what Excel writes: shared strings (with furigana), dates, numbers, booleans."""
    shared = ["会社名", "電話番号", "備考", "株式会社正常"]
    rows = (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>'
        '<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2"><v>312345678</v></c><c r="C2" s="1"><v>46000</v></c></row>'
        '<row r="4"><c r="A4" t="inlineStr"><is><t>株式会社四行目</t></is></c><c r="C4" t="b"><v>1</v></c></row>'
    )
    content = xlsx(sheet(rows, dimension="A1:C4"), shared=shared, styles=DATE_STYLES)
    response, _ = await upload(api, floor, content, "ok.xlsx", dry_run=False)
    assert response.status_code == 200, response.text
    report = response.json()
    assert (report["status"], report["created_count"], report["rows_total"]) == ("succeeded", 2, 2)
    targets = (await api.get(f"/v1/target-lists/{floor.list_id}/targets", params={"q": "正常"},
                             headers=floor.director.headers)).json()["items"]
    assert targets[0]["phone"] == "0312345678" and targets[0]["note"] == "2025-12-09"


def test_the_hand_written_files_are_valid_zip_archives() -> None:
    with zipfile.ZipFile(io.BytesIO(xlsx(sheet(HEADER_ROW)))) as archive:
        assert "xl/worksheets/sheet1.xml" in archive.namelist()


async def test_a_1904_workbook_reads_its_dates_from_1904(api, floor) -> None:
    workbook = ('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                '<workbookPr date1904="1"/><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>会社名</t></is></c><c r="B1" t="inlineStr"><is><t>備考</t></is>'
            '</c></row><row r="2"><c r="A2" t="inlineStr"><is><t>株式会社マック</t></is></c><c r="B2" s="1"><v>1</v></c></row>')
    response, _ = await upload(api, floor, xlsx(sheet(rows), styles=DATE_STYLES, workbook=workbook), "mac.xlsx",
                               dry_run=False)
    assert response.status_code == 200, response.text
    targets = (await api.get(f"/v1/target-lists/{floor.list_id}/targets", params={"q": "マック"},
                             headers=floor.director.headers)).json()["items"]
    assert targets[0]["note"] == "1904-01-02"
