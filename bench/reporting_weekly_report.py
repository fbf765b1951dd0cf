"""Render a weekly report with N members in all four formats (HTML, PPTX, XLSX, CSV) and time each.

    python bench/reporting_weekly_report.py --members 50 --repeat 3

The target (issue 5): all four formats of a 50-member report in under 2 s. The report is
built in memory (the renderers' input model, realistic values), so the figure measures
rendering only; the JSON assembly is measured by the KPI benchmarks.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from anken_reporting.kpis.schemas import KpiFigures
from anken_reporting.reports.agenda import build_agenda, summary_line
from anken_reporting.reports.builder import figure_rows, funnel
from anken_reporting.reports.render_csv import render_csv
from anken_reporting.reports.render_html import render_html
from anken_reporting.reports.render_pptx import render_pptx
from anken_reporting.reports.render_xlsx import render_xlsx
from anken_reporting.reports.schemas import (
    AbResult,
    AbVariant,
    AppointmentQuality,
    DailyPoint,
    ListStatus,
    MemberRow,
    MonthProgress,
    NextAction,
    ProjectHeader,
    ReportNotes,
    WeeklyReport,
)

SURNAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤"]
GIVEN = ["太郎", "花子", "翔太", "美咲", "健一", "陽菜", "大輔", "結衣", "拓海", "さくら"]


def _figures(calls: int, contacts: int, appointments: int, hours: float) -> dict:
    return {
        "calls": calls, "contacts": contacts, "appointments": appointments, "duration_s": calls * 45,
        "contact_rate": contacts / calls if calls else None,
        "contact_to_appointment_rate": appointments / contacts if contacts else None,
        "appointment_rate": appointments / calls if calls else None,
        "worked_hours": hours, "appointments_per_hour": appointments / hours if hours else None,
    }


def synthetic_report(members: int, seed: int = 7) -> WeeklyReport:
    rng = random.Random(seed)
    rows = []
    for index in range(members):
        calls = rng.randint(300, 1200)
        contacts = int(calls * rng.uniform(0.15, 0.35))
        appointments = int(contacts * rng.uniform(0.02, 0.12))
        hours = round(rng.uniform(10, 40), 1)
        name = f"{SURNAMES[index % 10]} {GIVEN[(index // 10) % 10]}{index // 100 or ''}"
        rows.append(MemberRow(member_id=str(uuid.uuid4()), name=name, **{
            k: v for k, v in _figures(calls, contacts, appointments, hours).items() if k != "duration_s"
        }))
    totals = KpiFigures(**_figures(sum(r.calls for r in rows), sum(r.contacts for r in rows),
                                   sum(r.appointments for r in rows), sum(r.worked_hours or 0 for r in rows)))
    previous = KpiFigures(**_figures(int(totals.calls * 0.9), int(totals.contacts * 0.92),
                                     int(totals.appointments * 0.85), (totals.worked_hours or 0) * 0.95))
    start = date(2026, 11, 16)
    daily = [DailyPoint(day=start + timedelta(days=i), calls=totals.calls // 5 if i < 5 else 0,
                        contacts=totals.contacts // 5 if i < 5 else 0,
                        appointments=totals.appointments // 5 if i < 5 else 0) for i in range(7)]
    variants = [
        AbVariant(variant=v, calls=totals.calls // 2, contacts=contacts, appointments=appointments,
                  contact_rate=contacts / (totals.calls // 2), contact_to_appointment_rate=appointments / contacts,
                  contact_rate_ci=[0.2, 0.3], contact_to_appointment_ci=[0.04, 0.07])
        for v, contacts, appointments in (("A", totals.contacts // 2, totals.appointments // 2),
                                          ("B", totals.contacts // 2 + 40, totals.appointments // 2 + 4))
    ]
    figures = figure_rows(totals, previous, 120.0)
    month = MonthProgress(as_of=start + timedelta(days=6), monthly_target=500, appointments_so_far=310,
                          progress_rate=0.62, pace=0.98, projected_month_end=492.5, business_days_in_month=19,
                          elapsed_business_days=12)
    ab = AbResult(variants=variants, patterns=variants, z=0.4, p_value=0.69, winner=None)
    list_status = ListStatus(remaining_targets=8200, first_calls_this_week=3100, calls_this_week=totals.calls,
                             average_daily_calls=totals.calls / 5, exhaustion_date=date(2026, 12, 18))
    appointment_quality = AppointmentQuality(
        appointments=120, held=90, no_show=12, cancelled=8, qualified=70, unqualified=15, held_rate=90 / 102,
        no_show_rate=12 / 102, qualified_rate=70 / 85, deals=30, won=6, won_amount=7_200_000,
        appointment_to_deal_rate=0.25, appointment_to_won_rate=0.05,
    )
    notes = ReportNotes(good_reactions=["情シス部長が前向き", "来期予算で検討したいとの声"] * 3,
                        objections=["既存ツールの契約が残っている", "今は忙しい"] * 3,
                        learnings=["10時台は受付ブロックが少ない"] * 2)
    actions = [NextAction(text=f"改善施策 {i + 1}: トークスクリプトB案の展開", owner="山田", due=date(2026, 11, 27))
               for i in range(6)]
    return WeeklyReport(
        project=ProjectHeader(id=uuid.uuid4(), name="クラウド会計 新規開拓", client_id=uuid.uuid4(),
                              client_name="株式会社サンプル", timezone="Asia/Tokyo"),
        iso_week="2026-W47", week_start=start, week_end=start + timedelta(days=7), status="draft", version=None,
        generated_at=datetime.now(UTC), summary=summary_line(figures, month), figures=figures, month=month,
        members=sorted(rows, key=lambda r: -r.appointments), funnel=funnel(totals), daily=daily, ab_test=ab,
        list_status=list_status, appointment_quality=appointment_quality, notes=notes, next_actions=actions,
        agenda=build_agenda(figures, month, ab, list_status, appointment_quality, notes, actions),
    )


RENDERERS = {"html": render_html, "pptx": render_pptx, "xlsx": render_xlsx, "csv": render_csv}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=50, help="members in the report (default 50)")
    parser.add_argument("--repeat", type=int, default=3, help="renders per format; the median is reported")
    args, _ = parser.parse_known_args()
    report = synthetic_report(args.members)
    render_all_times = []
    medians = {}
    for render in RENDERERS.values():
        render(report)  # warm caches (templates, imports) so the figure is the steady state
    for _ in range(args.repeat):
        started = time.perf_counter()
        for render in RENDERERS.values():
            render(report)
        render_all_times.append(time.perf_counter() - started)
    for name, render in RENDERERS.items():
        times, size = [], 0
        for _ in range(args.repeat):
            started = time.perf_counter()
            size = len(render(report))
            times.append(time.perf_counter() - started)
        medians[name] = statistics.median(times)
        print(f"{name:5s} {medians[name] * 1000:8.1f} ms  {size / 1024:8.1f} KiB")
    total = statistics.median(render_all_times)
    verdict = "OK" if total < 2.0 else "SLOW"
    print(f"all four formats, {args.members} members: {total * 1000:.1f} ms (median of {args.repeat}; target < 2000 ms) {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
