"""A/B comparison of script patterns from the daily rollups (variant dimension)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from anken_reporting.abtest.schemas import AbTestResult, VariantStats
from anken_reporting.kpis import formulas, repository
from anken_reporting.kpis.schemas import GroupBy

PATTERNS = ("A", "B")
MIN_CONTACTS = 100


def pattern_of(variant: str) -> str:
    """'A:IT' → 'A'; the industry part after ':' is a refinement of the same pattern."""
    return variant.split(":", 1)[0].strip()


def stats(variant: str, calls: int, contacts: int, appointments: int) -> VariantStats:
    contact_ci = formulas.wilson_interval(contacts, calls)
    appointment_ci = formulas.wilson_interval(appointments, contacts)
    return VariantStats(
        variant=variant, calls=calls, contacts=contacts, appointments=appointments,
        contact_rate=formulas.contact_rate(contacts, calls),
        contact_to_appointment_rate=formulas.contact_to_appointment_rate(appointments, contacts),
        contact_rate_ci=list(contact_ci) if contact_ci else None,
        contact_to_appointment_ci=list(appointment_ci) if appointment_ci else None,
    )


async def ab_test(session: AsyncSession, project_id: uuid.UUID, start: date, end: date) -> AbTestResult:
    rows = await repository.rollup_groups(session, project_id, start, end, GroupBy.variant)
    rows = [row for row in rows if row["key"]]  # calls without a variant are left out
    variants = [stats(row["key"], row["calls"], row["contacts"], row["appointments"]) for row in rows]
    totals = {p: {"calls": 0, "contacts": 0, "appointments": 0} for p in PATTERNS}
    for row in rows:
        pattern = pattern_of(row["key"])
        if pattern in totals:
            for name in ("calls", "contacts", "appointments"):
                totals[pattern][name] += row[name]
    a, b = totals["A"], totals["B"]
    z, p_value = formulas.two_proportion_z_test(a["appointments"], a["contacts"], b["appointments"], b["contacts"])
    patterns = [stats(p, **totals[p]) for p in PATTERNS]
    winner = formulas.ab_winner(
        patterns[0].contact_to_appointment_rate, patterns[1].contact_to_appointment_rate,
        a["contacts"], b["contacts"], p_value, min_contacts=MIN_CONTACTS,
    )
    return AbTestResult(project_id=project_id, period_from=start, period_to=end, variants=variants,
                        patterns=patterns, z=z, p_value=p_value, winner=winner)
