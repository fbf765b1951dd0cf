"""Assembling one project's weekly report from the KPI service and the read models.

Numbers come from the KPI, A/B and quality services (`project_kpis`, `ab_test`,
`appointment_quality`), so the report and `GET …/kpis`, `…/ab-test` and `…/appointment-quality`
for the same week can never disagree; this module only arranges them and adds the draft's notes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from anken_reporting.abtest.schemas import AbTestResult
from anken_reporting.abtest.service import ab_test
from anken_reporting.kpis import formulas
from anken_reporting.kpis.repository import ProjectRow
from anken_reporting.kpis.schemas import KpiFigures, KpiGroup
from anken_reporting.kpis.service import project_kpis
from anken_reporting.quality.schemas import QualityResult
from anken_reporting.quality.service import appointment_quality as appointment_quality_of
from anken_reporting.readmodels.timezones import today_in, zone
from anken_reporting.reports import repository as repo
from anken_reporting.reports.agenda import build_agenda, summary_line
from anken_reporting.reports.iso_week import IsoWeek
from anken_reporting.reports.schemas import (
    AbResult,
    AbVariant,
    AppointmentQuality,
    DailyPoint,
    FigureRow,
    FunnelStep,
    ListStatus,
    MemberRow,
    MonthProgress,
    NextAction,
    ProjectHeader,
    ReportNotes,
    WeeklyReport,
)

FIGURES = [
    ("calls", "架電数", "count"),
    ("contacts", "コンタクト数", "count"),
    ("appointments", "アポ数", "count"),
    ("contact_rate", "コンタクト率", "rate"),
    ("contact_to_appointment_rate", "コンタクトアポ率", "rate"),
    ("appointment_rate", "アポ率", "rate"),
    ("worked_hours", "稼働時間", "hours"),
    ("appointments_per_hour", "時間あたりアポ数", "per_hour"),
]
FUNNEL_LABELS = {"calls": "架電", "contacts": "コンタクト", "appointments": "アポ"}


def _change(this: float | None, last: float | None) -> float | None:
    return None if this is None or last is None else this - last


def figure_rows(current: KpiFigures, previous: KpiFigures, week_target: float) -> list[FigureRow]:
    rows = []
    for key, label, kind in FIGURES:
        this, last = getattr(current, key), getattr(previous, key)
        target = round(week_target, 1) if key == "appointments" and week_target else None
        rows.append(FigureRow(
            key=key, label=label, kind=kind, this_week=this, last_week=last, change=_change(this, last),
            target=target, achievement=formulas.rate(this, week_target) if target else None,
        ))
    return rows


def funnel(current: KpiFigures) -> list[FunnelStep]:
    steps, previous = [], None
    for key in ("calls", "contacts", "appointments"):
        value = getattr(current, key)
        steps.append(FunnelStep(key=key, label=FUNNEL_LABELS[key], count=value,
                                rate_from_previous=None if previous is None else formulas.rate(value, previous)))
        previous = value
    return steps


def member_rows(groups: list[KpiGroup]) -> list[MemberRow]:
    rows = [
        MemberRow(
            member_id=g.key, name=g.label or (g.key or "")[:8], calls=g.calls, contacts=g.contacts,
            appointments=g.appointments, contact_rate=g.contact_rate,
            contact_to_appointment_rate=g.contact_to_appointment_rate, appointment_rate=g.appointment_rate,
            worked_hours=g.worked_hours, appointments_per_hour=g.appointments_per_hour,
        )
        for g in groups
    ]
    return sorted(rows, key=lambda r: (-r.appointments, -r.calls, r.name))


def ab_from(result: AbTestResult) -> AbResult:
    return AbResult(
        variants=[AbVariant(**v.model_dump()) for v in result.variants],
        patterns=[AbVariant(**v.model_dump()) for v in result.patterns],
        z=result.z, p_value=result.p_value, winner=result.winner,
    )


def quality_from(result: QualityResult) -> AppointmentQuality:
    return AppointmentQuality(**result.model_dump(include=set(AppointmentQuality.model_fields)))


async def build_weekly_report(
    session: AsyncSession, project: ProjectRow, week: IsoWeek, notes: ReportNotes, next_actions: list[NextAction],
) -> WeeklyReport:
    """The live report of `project` (a read-model row) for `week`, with the draft's notes."""
    project_id = project["id"]
    today = today_in(project["timezone"])
    last_day = week.end - timedelta(days=1)
    # Month figures as of the week's last day, or today while the week is still running.
    as_of = min(last_day, today) if week.start <= today else last_day
    by_member = await project_kpis(session, project_id, week.start, week.end, "member", as_of)
    by_day = await project_kpis(session, project_id, week.start, week.end, "day", as_of)

    figures = figure_rows(by_member, by_member.previous, by_member.target.period_appointment_target)
    month = MonthProgress(
        as_of=as_of, monthly_target=project["monthly_appointment_target"],
        appointments_so_far=by_member.month.appointments_so_far, progress_rate=by_member.progress_rate,
        pace=by_member.pace, projected_month_end=by_member.projected_month_end,
        business_days_in_month=by_member.month.business_days_in_month,
        elapsed_business_days=by_member.month.elapsed_business_days,
    )
    ab = ab_from(await ab_test(session, project_id, week.start, week.end))
    list_status = ListStatus(
        remaining_targets=by_member.month.remaining_targets,
        first_calls_this_week=await repo.first_calls(session, project_id, week.start, week.end),
        calls_this_week=by_member.calls, average_daily_calls=by_member.month.average_daily_calls,
        exhaustion_date=by_member.list_exhaustion_date,
    )
    appointment_quality = quality_from(await appointment_quality_of(session, project_id, week.start, week.end))
    latest = await repo.latest_version_number(session, project_id, week.label)
    return WeeklyReport(
        project=ProjectHeader(id=project_id, name=project["name"], client_id=project["client_id"],
                              client_name=project.get("client_name"), timezone=project["timezone"]),
        iso_week=week.label, week_start=week.start, week_end=week.end, status="draft", version=None,
        generated_at=datetime.now(zone(project["timezone"])),
        summary=summary_line(figures, month),
        figures=figures, month=month,
        members=member_rows(by_member.groups),
        funnel=funnel(by_member),
        daily=[
            DailyPoint(day=date.fromisoformat(g.key), calls=g.calls, contacts=g.contacts, appointments=g.appointments)
            for g in by_day.groups if g.key
        ],
        ab_test=ab, list_status=list_status, appointment_quality=appointment_quality,
        notes=notes, next_actions=next_actions,
        agenda=build_agenda(figures, month, ab, list_status, appointment_quality, notes, next_actions),
        latest_version=latest,
    )
