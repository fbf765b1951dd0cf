"""Raising member pace alerts (once per project/member/rule/day) and acknowledging them."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.event_payloads import PaceAlertPayload
from anken_common.events import EventType
from anken_reporting.alerts.rules import RULES, evaluate
from anken_reporting.consumers.registry import ApplyContext
from anken_reporting.kit.models import utc_now
from anken_reporting.kpis.month import calendar_for
from anken_reporting.outbox.writer import record_event
from anken_reporting.readmodels.timezones import today_in
from anken_reporting.settings import ReportingSettings

DAY_SUMS = (
    "SELECT COALESCE(SUM(calls), 0) AS calls, COALESCE(SUM(contacts), 0) AS contacts, "
    "COALESCE(SUM(appointments), 0) AS appointments FROM reporting.call_daily_rollups "
)


async def evaluate_member_pace(
    session: AsyncSession, project_id: uuid.UUID, member_id: uuid.UUID, day: date, ctx: ApplyContext
) -> list[uuid.UUID]:
    """Evaluate every rule for the member's day after a call; returns the ids of alerts raised now.

    Only today's calls (project time zone) are judged: history imported later is not "pace".
    """
    settings = ctx.settings if isinstance(ctx.settings, ReportingSettings) else ReportingSettings()
    project = (
        await session.execute(text("SELECT * FROM reporting.projects WHERE id = :id"), {"id": project_id})
    ).mappings().first()
    if project is None or day != today_in(project["timezone"]):
        return []
    today = dict((await session.execute(
        text(DAY_SUMS + "WHERE project_id = :p AND member_id = :m AND day = :d"),
        {"p": project_id, "m": member_id, "d": day},
    )).mappings().one())
    if today["calls"] < settings.alert_min_calls:
        return []
    today["hours"] = float((await session.execute(
        text("SELECT COALESCE(SUM(hours), 0) FROM reporting.worked_hours WHERE project_id = :p AND member_id = :m AND day = :d"),
        {"p": project_id, "m": member_id, "d": day},
    )).scalar() or 0)
    window = calendar_for(project).last_business_days(day - timedelta(days=1), settings.alert_trailing_days)
    if not window:
        return []
    trailing = dict((await session.execute(
        text(DAY_SUMS + "WHERE project_id = :p AND day >= :s AND day < :e"),
        {"p": project_id, "s": window[0], "e": day},
    )).mappings().one())
    trailing["hours"] = float((await session.execute(
        text("SELECT COALESCE(SUM(hours), 0) FROM reporting.worked_hours WHERE project_id = :p AND day >= :s AND day < :e"),
        {"p": project_id, "s": window[0], "e": day},
    )).scalar() or 0)
    raised = []
    for rule in RULES:
        verdict = evaluate(rule, today, trailing, min_calls=settings.alert_min_calls, ratio=settings.alert_ratio,
                           min_trailing_denominator=settings.alert_min_trailing_contacts)
        if verdict is None:
            continue
        alert_id = await _raise(session, project, member_id, day, verdict)
        if alert_id:
            raised.append(alert_id)
    return raised


async def _raise(session: AsyncSession, project, member_id: uuid.UUID, day: date, verdict) -> uuid.UUID | None:
    name = (await session.execute(
        text("SELECT name FROM reporting.users WHERE id = :m UNION ALL "
             "SELECT member_name FROM reporting.assignments WHERE member_id = :m AND member_name IS NOT NULL LIMIT 1"),
        {"m": member_id},
    )).scalar() or "メンバー"
    message = (
        f"{project['name']}: {name} さんの本日の{verdict.rule.label}が {verdict.value:.1%} です"
        f"（案件の直近平均 {verdict.trailing:.1%}、基準 {verdict.threshold:.1%} 未満）"
    ) if verdict.rule.denominator != "hours" else (
        f"{project['name']}: {name} さんの本日の{verdict.rule.label}が {verdict.value:.2f} です"
        f"（案件の直近平均 {verdict.trailing:.2f}、基準 {verdict.threshold:.2f} 未満）"
    )
    alert_id = uuid.uuid4()
    raised_at = utc_now()
    inserted = (await session.execute(
        text(
            "INSERT INTO reporting.pace_alerts (id, project_id, member_id, director_id, rule, day, value, threshold, "
            "message, raised_at) VALUES (:id, :p, :m, :d, :rule, :day, :value, :threshold, :message, :at) "
            "ON CONFLICT ON CONSTRAINT uq_pace_alerts_once_a_day DO NOTHING RETURNING id"
        ),
        {"id": alert_id, "p": project["id"], "m": member_id, "d": project["director_id"], "rule": verdict.rule.name,
         "day": day, "value": verdict.value, "threshold": verdict.threshold, "message": message, "at": raised_at},
    )).first()
    if inserted is None:
        return None
    payload = PaceAlertPayload(
        id=alert_id, project_id=project["id"], member_id=member_id, director_id=project["director_id"],
        rule=verdict.rule.name, message=message, value=verdict.value, threshold=verdict.threshold, raised_at=raised_at,
    )
    record_event(session, EventType.pace_alert_raised, aggregate_type="pace_alert", aggregate_id=alert_id,
                 tenant=project["client_id"], payload=payload.model_dump(mode="json"))
    return alert_id
