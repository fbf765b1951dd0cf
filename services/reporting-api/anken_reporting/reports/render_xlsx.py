"""The weekly report as a workbook: one sheet per table, real numbers with real formats
(0.0% for rates, #,##0 for counts, ¥#,##0 for yen), so a director can keep calculating.
Text is always a string cell, never a formula, and neutralised (anken_common.cell_safety) so that
a copy to CSV or Sheets cannot run it either."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from anken_common.cell_safety import neutralise_row
from anken_reporting.reports.formatting import status_label
from anken_reporting.reports.schemas import WeeklyReport

FONT = "Noto Sans JP"
RATE, COUNT, YEN, HOURS, PER_HOUR, DATE, TEXT, DECIMAL = (
    "0.0%", "#,##0", "¥#,##0", "0.0", "0.00", "yyyy-mm-dd", "@", "0.000",
)
KIND_FORMAT = {"rate": RATE, "count": COUNT, "hours": HOURS, "per_hour": PER_HOUR}
HEADER_FILL = PatternFill("solid", fgColor="1C4E80")
HEADER_FONT = Font(name=FONT, bold=True, color="FFFFFF")
BODY_FONT = Font(name=FONT)


def _append_text_safe(sheet: Worksheet, values: Sequence[Any]) -> None:
    """Append a row whose text cells are neutralised and typed as strings: openpyxl would otherwise
    store any text starting with `=` as a formula."""
    sheet.append(neutralise_row(list(values)))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"


def _sheet(book: Workbook, title: str, header: Sequence[str], rows: Sequence[Sequence[Any]],
           formats: Sequence[str | Sequence[str]], widths: Sequence[int] | None = None) -> Worksheet:
    """A sheet with a header row and typed rows; `formats[i]` is the column's number format, or a
    per-row list when a column mixes kinds (the summary's rates and counts)."""
    sheet = book.create_sheet(title)
    _append_text_safe(sheet, header)
    for cell in sheet[1]:
        cell.fill, cell.font = HEADER_FILL, HEADER_FONT
        cell.alignment = Alignment(horizontal="center")
    for row_index, row in enumerate(rows):
        _append_text_safe(sheet, row)
        for col_index, cell in enumerate(sheet[row_index + 2]):
            cell.font = BODY_FONT
            column_format = formats[col_index] if col_index < len(formats) else TEXT
            number_format = column_format if isinstance(column_format, str) else column_format[row_index]
            if cell.value is not None:
                cell.number_format = number_format
    for index, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def render_xlsx(report: WeeklyReport) -> bytes:
    book = Workbook()
    book.remove(book.active)
    status = status_label(report.version if report.status == "published" else None)
    book.properties.title = f"{report.project.name} 定例MTG資料 {report.iso_week} {status}"

    kinds = [KIND_FORMAT[f.kind] for f in report.figures]
    change_kinds = [RATE if f.kind == "rate" else KIND_FORMAT[f.kind] for f in report.figures]
    _sheet(book, "サマリー", ["指標", "今週", "先週", "増減", "週目標", "達成率"], [
        [f.label, f.this_week, f.last_week, f.change, f.target, f.achievement] for f in report.figures
    ], [TEXT, kinds, kinds, change_kinds, HOURS, RATE], [22, 12, 12, 12, 12, 12])
    m = report.month
    _sheet(book, "月間進捗", ["項目", "値"], [
        ["版", status], ["基準日", m.as_of], ["月間目標（件）", m.monthly_target], ["月間アポ累計（件）", m.appointments_so_far],
        ["進捗率", m.progress_rate], ["ペース", m.pace], ["月末着地見込み（件）", m.projected_month_end],
        ["月の営業日数", m.business_days_in_month], ["経過営業日数", m.elapsed_business_days],
    ], [TEXT, [TEXT, DATE, COUNT, COUNT, RATE, PER_HOUR, HOURS, COUNT, COUNT]], [24, 14])
    _sheet(book, "メンバー別", ["メンバー", "架電数", "コンタクト数", "アポ数", "コンタクト率", "コンタクトアポ率", "アポ率",
                            "稼働時間", "時間あたりアポ数"], [
        [r.name, r.calls, r.contacts, r.appointments, r.contact_rate, r.contact_to_appointment_rate,
         r.appointment_rate, r.worked_hours, r.appointments_per_hour]
        for r in report.members
    ], [TEXT, COUNT, COUNT, COUNT, RATE, RATE, RATE, HOURS, PER_HOUR], [20, 10, 12, 10, 12, 16, 10, 10, 16])
    _sheet(book, "ファネル", ["段階", "件数", "前段階からの率"], [
        [s.label, s.count, s.rate_from_previous] for s in report.funnel
    ], [TEXT, COUNT, RATE], [14, 12, 16])
    _sheet(book, "日別推移", ["日付", "架電数", "コンタクト数", "アポ数"], [
        [p.day, p.calls, p.contacts, p.appointments] for p in report.daily
    ], [DATE, COUNT, COUNT, COUNT], [14, 10, 12, 10])
    ab = report.ab_test
    _sheet(book, "ABテスト", ["パターン", "架電数", "コンタクト数", "アポ数", "コンタクト率", "コンタクトアポ率",
                           "区間下限", "区間上限"], [
        [v.variant, v.calls, v.contacts, v.appointments, v.contact_rate, v.contact_to_appointment_rate,
         *(v.contact_to_appointment_ci or (None, None))]
        for v in ab.variants
    ] + [["z", ab.z], ["p値", ab.p_value], ["勝者", ab.winner or "なし"]],
        [TEXT, [COUNT] * len(ab.variants) + [DECIMAL, DECIMAL, TEXT], COUNT, COUNT, RATE, RATE, RATE, RATE],
        [12, 10, 12, 10, 12, 16, 10, 10])
    q, lst = report.appointment_quality, report.list_status
    _sheet(book, "リスト・アポの質", ["項目", "値"], [
        ["残りリスト社数", lst.remaining_targets], ["今週の新規架電社数", lst.first_calls_this_week],
        ["1営業日あたり架電数", lst.average_daily_calls], ["リスト枯渇見込み日", lst.exhaustion_date],
        ["今週設定アポ", q.appointments], ["実施", q.held], ["ノーショー", q.no_show], ["キャンセル", q.cancelled],
        ["実施率", q.held_rate], ["有効商談率", q.qualified_rate], ["商談化", q.deals], ["受注", q.won],
        ["受注金額", q.won_amount],
    ], [TEXT, [COUNT, COUNT, HOURS, DATE, COUNT, COUNT, COUNT, COUNT, RATE, RATE, COUNT, COUNT, YEN]], [22, 16])
    notes = [("良い反応", item) for item in report.notes.good_reactions]
    notes += [("断り文句・懸念", item) for item in report.notes.objections]
    notes += [("学び", item) for item in report.notes.learnings]
    _sheet(book, "定性情報", ["区分", "内容"], notes, [TEXT, TEXT], [16, 80])
    _sheet(book, "ネクストアクション", ["内容", "担当", "期限"], [
        [a.text, a.owner, a.due] for a in report.next_actions
    ], [TEXT, TEXT, DATE], [60, 14, 14])
    _sheet(book, "アジェンダ", ["セクション", "時間（分）", "項目"], [
        [section.title, section.minutes, item] for section in report.agenda for item in section.items
    ], [TEXT, COUNT, TEXT], [22, 10, 80])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
