"""The weekly report as CSV: UTF-8 with a BOM so Japanese Excel opens it without mojibake.

Tables are stacked with a `[section]` row and a blank line between them; numbers are plain
(rates as fractions, as the API gives them) so the file can be re-calculated. Text that a
spreadsheet would run as a formula (a variant or a name starting with `=`) is neutralised.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from anken_common.cell_safety import neutralise_cell, neutralise_row
from anken_reporting.reports.formatting import status_label
from anken_reporting.reports.schemas import WeeklyReport

BOM = "\ufeff"


def _plain(value: Any) -> Any:
    # Neutralised before numbers become text, so a negative change stays a plain `-0.05`.
    value = neutralise_cell(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.6g}" if abs(value) < 1e6 else f"{value:.2f}"
    return value


def render_csv(report: WeeklyReport) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")

    def section(title: str, header: list[str], rows: list[list[Any]]) -> None:
        writer.writerow([f"[{title}]"])
        writer.writerow(neutralise_row(header))
        writer.writerows([_plain(v) for v in row] for row in rows)
        writer.writerow([])

    writer.writerow(neutralise_row(["案件", report.project.name, "週", report.iso_week, "状態",
                                    status_label(report.version)]))
    writer.writerow([])
    section("数値サマリー", ["指標", "今週", "先週", "増減", "週目標", "達成率"],
            [[f.label, f.this_week, f.last_week, f.change, f.target, f.achievement] for f in report.figures])
    section("メンバー別", ["メンバーID", "メンバー", "架電数", "コンタクト数", "アポ数", "コンタクト率", "コンタクトアポ率",
                        "アポ率", "稼働時間", "時間あたりアポ数"],
            [[m.member_id, m.name, m.calls, m.contacts, m.appointments, m.contact_rate, m.contact_to_appointment_rate,
              m.appointment_rate, m.worked_hours, m.appointments_per_hour] for m in report.members])
    section("ファネル", ["段階", "件数", "前段階からの率"],
            [[s.label, s.count, s.rate_from_previous] for s in report.funnel])
    section("日別推移", ["日付", "架電数", "コンタクト数", "アポ数"],
            [[p.day.isoformat(), p.calls, p.contacts, p.appointments] for p in report.daily])
    section("A/Bテスト", ["パターン", "架電数", "コンタクト数", "アポ数", "コンタクト率", "コンタクトアポ率"],
            [[v.variant, v.calls, v.contacts, v.appointments, v.contact_rate, v.contact_to_appointment_rate]
             for v in report.ab_test.variants])
    section("ネクストアクション", ["内容", "担当", "期限"],
            [[a.text, a.owner, a.due.isoformat() if a.due else None] for a in report.next_actions])
    return (BOM + out.getvalue()).encode("utf-8")
