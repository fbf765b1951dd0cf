"""Each download of the weekly report opens in the program it is meant for, with Japanese intact."""

from __future__ import annotations

import csv
import io
from urllib.parse import unquote

from openpyxl import load_workbook
from pptx import Presentation
from pptx.oxml.ns import qn

from .conftest import ReportWorld

BASE = "/v1/projects/{id}/weekly-reports/2026-W47"


async def download(world: ReportWorld, extension: str, **params):
    response = await world.client.get(BASE.format(id=world.project_id) + f".{extension}", params=params,
                                      headers=world.headers())
    assert response.status_code == 200, response.text
    return response


def disposition_name(response) -> str:
    header = response.headers["content-disposition"]
    assert header.startswith("attachment; filename=\"weekly-report-2026-W47")
    encoded = header.split("filename*=UTF-8''", 1)[1]
    return unquote(encoded)


async def test_pptx_is_a_deck_with_a_native_funnel_chart_and_japanese_fonts(world: ReportWorld):
    response = await download(world, "pptx")
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.presentationml")
    assert disposition_name(response) == "クラウド会計 新規開拓_定例MTG資料_2026-W47.pptx"
    deck = Presentation(io.BytesIO(response.content))
    texts = [shape.text_frame.text for slide in deck.slides for shape in slide.shapes if shape.has_text_frame]
    assert any("定例MTG資料" in t for t in texts)
    assert any("進捗共有" in t for t in texts)
    tables = [shape.table for slide in deck.slides for shape in slide.shapes if shape.has_table]
    member_table = next(t for t in tables if t.cell(0, 0).text == "メンバー")
    assert {member_table.cell(r, 0).text for r in range(1, len(member_table.rows))} == {"山田 太郎", "佐藤 花子"}
    charts = [shape.chart for slide in deck.slides for shape in slide.shapes if shape.has_chart]
    funnel = charts[0]
    assert list(funnel.plots[0].categories) == ["架電", "コンタクト", "アポ"]
    assert list(funnel.plots[0].series[0].values) == [11.0, 7.0, 3.0]
    run = next(r for slide in deck.slides for shape in slide.shapes if shape.has_text_frame
               for p in shape.text_frame.paragraphs for r in p.runs if r.text)
    assert run.font.name == "Noto Sans JP"
    assert run.font._rPr.find(qn("a:ea")).get("typeface") == "Noto Sans JP"


async def test_xlsx_has_one_sheet_per_table_with_real_number_formats(world: ReportWorld):
    response = await download(world, "xlsx")
    assert disposition_name(response).endswith("_定例MTG資料_2026-W47.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    assert {"サマリー", "メンバー別", "ファネル", "日別推移", "ABテスト", "リスト・アポの質", "ネクストアクション"} <= set(book.sheetnames)
    members = book["メンバー別"]
    header = [c.value for c in members[1]]
    rows = {row[0].value: row for row in members.iter_rows(min_row=2)}
    yamada = rows["山田 太郎"]
    assert yamada[header.index("架電数")].value == 6
    assert yamada[header.index("架電数")].number_format == "#,##0"
    rate = yamada[header.index("コンタクト率")]
    assert rate.value == 0.5 and rate.number_format == "0.0%"
    summary = {row[0].value: row for row in book["サマリー"].iter_rows(min_row=2)}
    assert summary["アポ数"][1].value == 3 and summary["アポ数"][1].number_format == "#,##0"
    assert summary["コンタクト率"][1].number_format == "0.0%"
    quality = {row[0].value: row[1] for row in book["リスト・アポの質"].iter_rows(min_row=2)}
    assert quality["受注金額"].number_format == "¥#,##0"
    assert quality["実施率"].number_format == "0.0%"


async def test_csv_is_utf8_with_bom_and_japanese_headers(world: ReportWorld):
    response = await download(world, "csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    assert disposition_name(response).endswith(".csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:2] == ["案件", "クラウド会計 新規開拓"]
    start = rows.index(["[メンバー別]"])
    header = rows[start + 1]
    members = {row[1]: row for row in rows[start + 2:start + 4]}
    assert members["佐藤 花子"][header.index("架電数")] == "5"


async def test_html_is_print_ready_with_an_inline_svg_chart(world: ReportWorld):
    response = await download(world, "html")
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "定例MTG資料" in html and "山田 太郎" in html and "進捗共有" in html
    assert "@media print" in html
    assert "<svg" in html and "日別推移" in html
    assert "<script" not in html


async def test_downloads_of_a_published_version_carry_its_number(world: ReportWorld):
    published = await world.client.post(BASE.format(id=world.project_id) + "/publish", headers=world.headers())
    version = published.json()["version"]
    response = await download(world, "xlsx", version=version)
    assert disposition_name(response).endswith(f"_2026-W47_第{version}版.xlsx")
    assert f'filename="weekly-report-2026-W47-v{version}.xlsx"' in response.headers["content-disposition"]


async def test_a_malformed_week_download_is_422(world: ReportWorld):
    response = await world.client.get(f"/v1/projects/{world.project_id}/weekly-reports/2026-W99.pptx",
                                      headers=world.headers())
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "iso_week"
