"""Appointment quality figures from the appointments read model (period = day the appointment was set)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from anken_reporting.kpis.formulas import rate, wilson_interval
from anken_reporting.kpis.repository import member_names
from anken_reporting.quality.schemas import QualityGroup, QualityGroupBy, QualityResult

SUMS = (
    "COUNT(*) AS appointments, "
    "COUNT(*) FILTER (WHERE handoff_status = 'held') AS held, "
    "COUNT(*) FILTER (WHERE handoff_status = 'no_show') AS no_show, "
    "COUNT(*) FILTER (WHERE handoff_status = 'cancelled') AS cancelled, "
    "COUNT(*) FILTER (WHERE handoff_status = 'set') AS pending, "
    "COUNT(*) FILTER (WHERE partner_outcome = 'qualified') AS qualified, "
    "COUNT(*) FILTER (WHERE partner_outcome = 'unqualified') AS unqualified, "
    "COUNT(*) FILTER (WHERE deal_id IS NOT NULL) AS deals, "
    "COUNT(*) FILTER (WHERE deal_won) AS won, "
    "COALESCE(SUM(deal_amount) FILTER (WHERE deal_id IS NOT NULL), 0) AS deal_amount, "
    "COALESCE(SUM(deal_amount) FILTER (WHERE deal_won), 0) AS won_amount"
)


def quality_figures(row) -> dict:
    """The counts of DESIGN §3's appointment quality, each rate by its definition, and its 95% Wilson interval
    (`<rate>_ci`; a rate and its interval are null when the denominator is zero)."""
    counts = {key: int(row[key]) for key in (
        "appointments", "held", "no_show", "cancelled", "pending", "qualified", "unqualified", "deals", "won",
        "deal_amount", "won_amount")}
    met = counts["held"] + counts["no_show"]
    judged = counts["qualified"] + counts["unqualified"]
    parts = {
        "held_rate": (counts["held"], met),
        "no_show_rate": (counts["no_show"], met),
        "qualified_rate": (counts["qualified"], judged),
        "appointment_to_deal_rate": (counts["deals"], counts["appointments"]),
        "appointment_to_won_rate": (counts["won"], counts["appointments"]),
    }
    figures: dict = dict(counts)
    for name, (successes, trials) in parts.items():
        interval = wilson_interval(successes, trials)
        figures[name] = rate(successes, trials)
        figures[f"{name}_ci"] = list(interval) if interval is not None else None
    return figures


async def appointment_quality(
    session: AsyncSession, project_id: uuid.UUID, start: date, end: date, group_by: QualityGroupBy | None = None
) -> QualityResult:
    params = {"p": project_id, "s": start, "e": end}
    where = "FROM reporting.appointments WHERE project_id = :p AND set_day >= :s AND set_day < :e"
    total = (await session.execute(text(f"SELECT {SUMS} {where}"), params)).mappings().one()
    groups: list[QualityGroup] = []
    if group_by == QualityGroupBy.member:
        names = await member_names(session, project_id)
        rows = (await session.execute(
            text(f"SELECT member_id::text AS key, {SUMS} {where} GROUP BY member_id ORDER BY 1"), params
        )).mappings().all()
        groups = [QualityGroup(key=row["key"], label=names.get(row["key"]), **quality_figures(row)) for row in rows]
    return QualityResult(project_id=project_id, period_from=start, period_to=end, group_by=group_by, groups=groups,
                         **quality_figures(total))
