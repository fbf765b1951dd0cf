"""Formula injection (issue 13, hostile files and exports): text that members, directors or partners
typed (a script variant, a project or company name, a note) reaches the weekly report's CSV and XLSX
and its A/B sheet as text a spreadsheet shows, never as a formula it runs."""

from __future__ import annotations

import csv
import io
import zipfile

from openpyxl import load_workbook
from reporting_reports.conftest import ReportWorld

from .exports_support import (  # noqa: F401 (fixtures)
    HOSTILE,
    PROJECT_NAME,
    hostile_world_fixture,
    is_hostile,
    neutralised_forms,
    reports_app,
)

BASE = "/v1/projects/{id}/weekly-reports/2026-W47"


async def download(world: ReportWorld, extension: str) -> bytes:
    response = await world.client.get(BASE.format(id=world.project_id) + f".{extension}", headers=world.headers())
    assert response.status_code == 200, response.text
    return response.content


async def test_csv_cells_that_start_a_formula_are_neutralised(hostile_world: ReportWorld):
    text = (await download(hostile_world, "csv")).decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not [c for c in cells if is_hostile(c)], "a CSV cell would run as a formula"
    assert "'" + HOSTILE in cells, "the A/B section names the hostile variant, neutralised"
    assert "'" + PROJECT_NAME in cells, "the project name is neutralised"
    # Only text is prefixed: every quoted cell is one of the hostile texts, no number became text.
    assert {c for c in cells if c.startswith("'")} <= neutralised_forms()


async def test_xlsx_text_is_a_neutralised_string_cell_never_a_formula(hostile_world: ReportWorld):
    content = await download(hostile_world, "xlsx")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [name for name in archive.namelist() if name.startswith("xl/worksheets/")]
        assert not [name for name in sheets if b"<f>" in archive.read(name) or b"<f " in archive.read(name)]
    book = load_workbook(io.BytesIO(content))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f" or is_hostile(c.value)]
    hostile = [c for c in cells if isinstance(c.value, str) and c.value.startswith("'")]
    # Only text is prefixed (the agenda quotes a next action within a longer line).
    assert all(c.value.startswith(tuple(neutralised_forms())) for c in hostile)
    assert all(c.data_type == "s" for c in hostile)
    ab_sheet = [c.value for row in book["ABテスト"].iter_rows() for c in row]
    assert "'" + HOSTILE in ab_sheet
    notes = [c.value for row in book["定性情報"].iter_rows() for c in row]
    assert {"'" + HOSTILE, "'-2+3", "'\t=1+1"} <= set(notes)
    # Numbers stay numbers with their formats.
    summary = {row[0].value: row for row in book["サマリー"].iter_rows(min_row=2)}
    this_week = [row[1].value for row in summary.values()]
    assert not [v for v in this_week if isinstance(v, str)] and any(isinstance(v, int | float) for v in this_week)
