"""The 30-minute weekly meeting agenda (進捗共有 / 次週の進め方・改善策 / フィードバック), from the
report's numbers and the director's draft. Wording lives here, not in templates."""

from __future__ import annotations

from anken_reporting.reports import formatting as fmt
from anken_reporting.reports.schemas import (
    AbResult,
    AgendaSection,
    AppointmentQuality,
    FigureRow,
    ListStatus,
    MonthProgress,
    NextAction,
    ReportNotes,
)

PROGRESS_MINUTES, PLAN_MINUTES, FEEDBACK_MINUTES = 10, 15, 5
# A list that runs out within this many days needs a new order on the agenda.
LIST_WARNING_DAYS = 21


def _figure(figures: list[FigureRow], key: str) -> FigureRow | None:
    return next((f for f in figures if f.key == key), None)


def build_agenda(
    figures: list[FigureRow], month: MonthProgress, ab: AbResult, list_status: ListStatus,
    quality: AppointmentQuality, notes: ReportNotes, next_actions: list[NextAction],
) -> list[AgendaSection]:
    progress: list[str] = []
    appointments = _figure(figures, "appointments")
    if appointments is not None:
        line = f"今週のアポ {fmt.count(appointments.this_week)}件（先週 {fmt.count(appointments.last_week)}件"
        if appointments.target:
            line += f"、週目標 {fmt.count(appointments.target)}件・達成率 {fmt.pct(appointments.achievement)}"
        progress.append(line + "）")
    contact = _figure(figures, "contact_rate")
    conversion = _figure(figures, "contact_to_appointment_rate")
    if contact and conversion:
        progress.append(
            f"コンタクト率 {fmt.pct(contact.this_week)}（{fmt.signed(contact.change, 'rate')}）・"
            f"コンタクトアポ率 {fmt.pct(conversion.this_week)}（{fmt.signed(conversion.change, 'rate')}）"
        )
    progress.append(
        f"月間進捗 {fmt.count(month.appointments_so_far)}/{month.monthly_target}件（進捗率 {fmt.pct(month.progress_rate)}、"
        f"ペース {fmt.decimal(month.pace)}、月末着地見込み {fmt.count(month.projected_month_end)}件）"
    )
    progress.append("メンバー別の稼働・アポ状況")

    plan: list[str] = []
    if ab.winner:
        plan.append(f"A/Bテスト: パターン{ab.winner}が優位（p={fmt.decimal(ab.p_value, 3)}）→ トークを統一")
    elif ab.variants:
        plan.append("A/Bテスト: 有意差なし → 検証を継続")
    if list_status.exhaustion_date is not None:
        plan.append(f"リスト枯渇見込み {fmt.long_date(list_status.exhaustion_date)}（残り {fmt.count(list_status.remaining_targets)}社）")
    plan.extend(action.text + (f"（担当: {action.owner}）" if action.owner else "") for action in next_actions)
    plan.extend(f"改善: {learning}" for learning in notes.learnings)
    if not plan:
        plan.append("次週の架電方針の確認")

    feedback: list[str] = []
    if quality.appointments:
        feedback.append(
            f"アポの質: 実施率 {fmt.pct(quality.held_rate)}・有効商談率 {fmt.pct(quality.qualified_rate)}"
            f"（今週設定 {quality.appointments}件）"
        )
    feedback.extend(f"良い反応: {item}" for item in notes.good_reactions)
    feedback.extend(f"懸念・断り文句: {item}" for item in notes.objections)
    feedback.append("クライアント様からのフィードバック（商談結果・ターゲットの見直し）")

    return [
        AgendaSection(title="進捗共有", minutes=PROGRESS_MINUTES, items=progress),
        AgendaSection(title="次週の進め方・改善策", minutes=PLAN_MINUTES, items=plan),
        AgendaSection(title="フィードバック", minutes=FEEDBACK_MINUTES, items=feedback),
    ]


def summary_line(figures: list[FigureRow], month: MonthProgress) -> str:
    appointments = _figure(figures, "appointments")
    contact = _figure(figures, "contact_rate")
    parts = []
    if appointments is not None:
        target = f"／週目標 {fmt.count(appointments.target)}件" if appointments.target else ""
        parts.append(f"アポ {fmt.count(appointments.this_week)}件（先週 {fmt.count(appointments.last_week)}件）{target}")
    if contact is not None:
        parts.append(f"コンタクト率 {fmt.pct(contact.this_week)}")
    parts.append(f"月間進捗率 {fmt.pct(month.progress_rate)}")
    return "・".join(parts)
