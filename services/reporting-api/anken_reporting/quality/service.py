"""Appointment quality figures from the appointments read model (period = day the appointment was set)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from anken_reporting.kpis.formulas import rate, wilson_interval
from anken_reporting.kpis.repository import member_names
from anken_reporting.quality.schemas import QualityFigures, QualityGroup, QualityGroupBy, QualityResult
from anken_reporting.readmodels.models import appointments

_A = appointments.c
_COUNT = sa.func.count()
COUNTS = ("appointments", "held", "no_show", "cancelled", "pending", "qualified", "unqualified", "deals", "won",
          "deal_amount", "won_amount")
SUMS: tuple[sa.ColumnElement[Any], ...] = (
    _COUNT.label("appointments"),
    _COUNT.filter(_A.handoff_status == "held").label("held"),
    _COUNT.filter(_A.handoff_status == "no_show").label("no_show"),
    _COUNT.filter(_A.handoff_status == "cancelled").label("cancelled"),
    _COUNT.filter(_A.handoff_status == "set").label("pending"),
    _COUNT.filter(_A.partner_outcome == "qualified").label("qualified"),
    _COUNT.filter(_A.partner_outcome == "unqualified").label("unqualified"),
    _COUNT.filter(_A.deal_id.is_not(None)).label("deals"),
    _COUNT.filter(_A.deal_won).label("won"),
    sa.func.coalesce(sa.func.sum(_A.deal_amount).filter(_A.deal_id.is_not(None)), 0).label("deal_amount"),
    sa.func.coalesce(sa.func.sum(_A.deal_amount).filter(_A.deal_won), 0).label("won_amount"),
)


def quality_figures(row: Mapping[Any, Any]) -> dict[str, Any]:
    """The counts of DESIGN §3's appointment quality, each rate by its definition, and its 95% Wilson interval
    (`<rate>_ci`; a rate and its interval are null when the denominator is zero)."""
    counts = {key: int(row[key]) for key in COUNTS}
    met = counts["held"] + counts["no_show"]
    judged = counts["qualified"] + counts["unqualified"]
    parts = {
        "held_rate": (counts["held"], met),
        "no_show_rate": (counts["no_show"], met),
        "qualified_rate": (counts["qualified"], judged),
        "appointment_to_deal_rate": (counts["deals"], counts["appointments"]),
        "appointment_to_won_rate": (counts["won"], counts["appointments"]),
    }
    figures: dict[str, Any] = dict(counts)
    for name, (successes, trials) in parts.items():
        interval = wilson_interval(successes, trials)
        figures[name] = rate(successes, trials)
        figures[f"{name}_ci"] = list(interval) if interval is not None else None
    return figures


def ranking_key(group: QualityGroup) -> tuple[float, float, int, str]:
    """The member ranking: qualified rate, then held rate (highest first; a member with nothing judged or met
    yet comes after every member with a rate), then more appointments, then the name."""
    qualified = group.qualified_rate if group.qualified_rate is not None else -1.0
    held = group.held_rate if group.held_rate is not None else -1.0
    return (-qualified, -held, -group.appointments, group.label or group.key)


async def appointment_quality(
    session: AsyncSession, project_id: uuid.UUID, start: date, end: date, group_by: QualityGroupBy | None = None
) -> QualityResult:
    """The project's quality over the appointments set in [start, end); with group_by=member, one group per
    member in ranking order (ranking_key)."""
    in_period = (_A.project_id == project_id, _A.set_day >= start, _A.set_day < end)
    total = (await session.execute(sa.select(*SUMS).where(*in_period))).mappings().one()
    groups: list[QualityGroup] = []
    if group_by == QualityGroupBy.member:
        names = await member_names(session, project_id)
        key = sa.cast(_A.member_id, sa.Text).label("key")
        query = sa.select(key, *SUMS).where(*in_period).group_by(_A.member_id)
        rows = (await session.execute(query)).mappings().all()
        groups = sorted((QualityGroup(key=row["key"], label=names.get(row["key"]), **quality_figures(row))
                         for row in rows), key=ranking_key)
    return QualityResult(project_id=project_id, period_from=start, period_to=end, group_by=group_by, groups=groups,
                         **quality_figures(total))


async def quality_by_project(
    session: AsyncSession, periods: Mapping[uuid.UUID, tuple[date, date]]
) -> dict[uuid.UUID, QualityFigures]:
    """Each project's quality over the appointments set in its own [start, end) (the portfolio's months so far,
    in each project's time zone), in one query; a project without appointments gets zero counts and null rates."""
    if not periods:
        return {}
    clauses = [sa.and_(_A.project_id == pid, _A.set_day >= start, _A.set_day < end)
               for pid, (start, end) in periods.items()]
    query = sa.select(_A.project_id, *SUMS).where(sa.or_(*clauses)).group_by(_A.project_id)
    rows = {row["project_id"]: row for row in (await session.execute(query)).mappings().all()}
    none: dict[Any, Any] = {key: 0 for key in COUNTS}
    return {pid: QualityFigures(**quality_figures(rows.get(pid, none))) for pid in periods}
