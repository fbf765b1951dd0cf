"""Raising member pace alerts (once per project/member/rule/day) and acknowledging them."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.event_payloads import PaceAlertPayload
from anken_common.events import EventType
from anken_reporting.alerts.repository import insert_once_a_day
from anken_reporting.alerts.rules import RULES, RuleVerdict, evaluate
from anken_reporting.consumers.registry import ApplyContext
from anken_reporting.kit.models import utc_now
from anken_reporting.kpis.month import calendar_for
from anken_reporting.kpis.repository import ProjectRow, get_project
from anken_reporting.outbox.writer import record_event
from anken_reporting.readmodels.models import assignments, call_daily_rollups, users, worked_hours
from anken_reporting.readmodels.timezones import today_in
from anken_reporting.settings import ReportingSettings


async def _call_sums(session: AsyncSession, *where: sa.ColumnElement[bool]) -> dict[str, Any]:
    rollups = call_daily_rollups.c
    query = sa.select(
        *(sa.func.coalesce(sa.func.sum(rollups[c]), 0).label(c) for c in ("calls", "contacts", "appointments"))
    ).where(*where)
    return dict((await session.execute(query)).mappings().one())


async def _hours(session: AsyncSession, *where: sa.ColumnElement[bool]) -> float:
    query = sa.select(sa.func.coalesce(sa.func.sum(worked_hours.c.hours), 0)).where(*where)
    return float((await session.execute(query)).scalar() or 0)


async def _member_name(session: AsyncSession, member_id: uuid.UUID) -> str | None:
    query = sa.union_all(
        sa.select(users.c.name).where(users.c.id == member_id),
        sa.select(assignments.c.member_name).where(
            assignments.c.member_id == member_id, assignments.c.member_name.is_not(None)
        ),
    ).limit(1)
    return (await session.execute(query)).scalar()


async def evaluate_member_pace(
    session: AsyncSession, project_id: uuid.UUID, member_id: uuid.UUID, day: date, ctx: ApplyContext
) -> list[uuid.UUID]:
    """Evaluate every rule for the member's day after a call; returns the ids of alerts raised now.

    Only today's calls (project time zone) are judged: history imported later is not "pace".
    """
    settings = ctx.settings if isinstance(ctx.settings, ReportingSettings) else ReportingSettings()
    project = await get_project(session, project_id)
    if project is None or day != today_in(project["timezone"]):
        return []
    rollups, hours = call_daily_rollups.c, worked_hours.c
    today = await _call_sums(session, rollups.project_id == project_id, rollups.member_id == member_id,
                             rollups.day == day)
    if today["calls"] < settings.alert_min_calls:
        return []
    today["hours"] = await _hours(session, hours.project_id == project_id, hours.member_id == member_id,
                                  hours.day == day)
    window = calendar_for(project).last_business_days(day - timedelta(days=1), settings.alert_trailing_days)
    if not window:
        return []
    trailing = await _call_sums(session, rollups.project_id == project_id, rollups.day >= window[0],
                                rollups.day < day)
    trailing["hours"] = await _hours(session, hours.project_id == project_id, hours.day >= window[0], hours.day < day)
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


async def _raise(
    session: AsyncSession, project: ProjectRow, member_id: uuid.UUID, day: date, verdict: RuleVerdict,
) -> uuid.UUID | None:
    name = await _member_name(session, member_id) or "メンバー"
    message = (
        f"{project['name']}: {name} さんの本日の{verdict.rule.label}が {verdict.value:.1%} です"
        f"（案件の直近平均 {verdict.trailing:.1%}、基準 {verdict.threshold:.1%} 未満）"
    ) if verdict.rule.denominator != "hours" else (
        f"{project['name']}: {name} さんの本日の{verdict.rule.label}が {verdict.value:.2f} です"
        f"（案件の直近平均 {verdict.trailing:.2f}、基準 {verdict.threshold:.2f} 未満）"
    )
    alert_id = uuid.uuid4()
    raised_at = utc_now()
    inserted = await insert_once_a_day(session, {
        "id": alert_id, "project_id": project["id"], "member_id": member_id, "director_id": project["director_id"],
        "rule": verdict.rule.name, "day": day, "value": verdict.value, "threshold": verdict.threshold,
        "message": message, "raised_at": raised_at,
    })
    if not inserted:
        return None
    payload = PaceAlertPayload(
        id=alert_id, project_id=project["id"], member_id=member_id, director_id=project["director_id"],
        rule=verdict.rule.name, message=message, value=verdict.value, threshold=verdict.threshold, raised_at=raised_at,
    )
    record_event(session, EventType.pace_alert_raised, aggregate_type="pace_alert", aggregate_id=alert_id,
                 tenant=project["client_id"], payload=payload.model_dump(mode="json"))
    return alert_id
