"""Queries over the KPI read models (never raw calls).

Figures of a whole project read call_project_days (one row per project and local day); only
figures grouped by member, variant, industry or script version read the fine call_daily_rollups.
The two hold the same sums (tests pin it), so which one answers never changes a number.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from anken_reporting.kpis.schemas import GroupBy

ROLLUP_GROUP_COLUMNS = {
    GroupBy.member: "member_id::text",
    GroupBy.variant: "NULLIF(variant, '')",
    GroupBy.day: "day::text",
    GroupBy.industry: "NULLIF(industry, '')",
    GroupBy.script_version: "NULLIF(script_version_id, '')",
}
HOURS_GROUP_COLUMNS = {GroupBy.member: "member_id::text", GroupBy.day: "day::text"}


async def get_project(session: AsyncSession, project_id: uuid.UUID):
    return (await session.execute(text("SELECT * FROM reporting.projects WHERE id = :id"), {"id": project_id})).mappings().first()


async def rollup_totals(session: AsyncSession, project_id: uuid.UUID, start: date, end: date) -> dict:
    row = (
        await session.execute(
            text(
                "SELECT COALESCE(SUM(calls), 0) AS calls, COALESCE(SUM(contacts), 0) AS contacts, "
                "COALESCE(SUM(appointments), 0) AS appointments, COALESCE(SUM(duration_s), 0) AS duration_s "
                "FROM reporting.call_project_days WHERE project_id = :p AND day >= :s AND day < :e"
            ),
            {"p": project_id, "s": start, "e": end},
        )
    ).mappings().one()
    return {k: int(v) for k, v in row.items()}


async def rollup_groups(session: AsyncSession, project_id: uuid.UUID, start: date, end: date, group_by: GroupBy) -> list[dict]:
    column = ROLLUP_GROUP_COLUMNS[group_by]
    table = "call_project_days" if group_by == GroupBy.day else "call_daily_rollups"
    rows = (
        await session.execute(
            text(
                f"SELECT {column} AS key, SUM(calls) AS calls, SUM(contacts) AS contacts, "
                "SUM(appointments) AS appointments, SUM(duration_s) AS duration_s "
                f"FROM reporting.{table} WHERE project_id = :p AND day >= :s AND day < :e "
                "GROUP BY 1 ORDER BY 1 NULLS LAST"
            ),
            {"p": project_id, "s": start, "e": end},
        )
    ).mappings().all()
    return [
        {"key": r["key"], "calls": int(r["calls"]), "contacts": int(r["contacts"]),
         "appointments": int(r["appointments"]), "duration_s": int(r["duration_s"])}
        for r in rows
    ]


async def worked_hours_total(session: AsyncSession, project_id: uuid.UUID, start: date, end: date) -> float:
    value = (
        await session.execute(
            text("SELECT COALESCE(SUM(hours), 0) FROM reporting.worked_hours WHERE project_id = :p AND day >= :s AND day < :e"),
            {"p": project_id, "s": start, "e": end},
        )
    ).scalar()
    return float(value or 0)


async def worked_hours_groups(
    session: AsyncSession, project_id: uuid.UUID, start: date, end: date, group_by: GroupBy
) -> dict[str, float]:
    column = HOURS_GROUP_COLUMNS[group_by]
    rows = (
        await session.execute(
            text(
                f"SELECT {column} AS key, SUM(hours) AS hours FROM reporting.worked_hours "
                "WHERE project_id = :p AND day >= :s AND day < :e GROUP BY 1"
            ),
            {"p": project_id, "s": start, "e": end},
        )
    ).all()
    return {row.key: float(row.hours) for row in rows}


async def remaining_targets(session: AsyncSession, project_id: uuid.UUID) -> int | None:
    row = (
        await session.execute(
            text("SELECT callable_at_import, first_calls_since, withdrawn_since FROM reporting.target_stock "
                 "WHERE project_id = :p"),
            {"p": project_id},
        )
    ).first()
    if row is None:
        return None
    return max(0, row.callable_at_import - row.first_calls_since - row.withdrawn_since)


async def contract_changes_between(session: AsyncSession, project_ids: Sequence[uuid.UUID], start: date, end: date) -> list:
    """Changes effective in the period, plus renewals/ends whose term ended in it."""
    return list(
        (
            await session.execute(
                text(
                    "SELECT kind, effective_date, COALESCE(term_end_date, effective_date) AS term_end, "
                    "hours_before, hours_after, scope_increased FROM reporting.contract_changes "
                    "WHERE project_id = ANY(:ids) AND ((effective_date >= :s AND effective_date < :e) OR "
                    "(COALESCE(term_end_date, effective_date) >= :s AND COALESCE(term_end_date, effective_date) < :e))"
                ),
                {"ids": list(project_ids), "s": start, "e": end},
            )
        ).all()
    )


async def member_names(session: AsyncSession, project_id: uuid.UUID) -> dict[str, str]:
    rows = (
        await session.execute(
            text(
                "SELECT u.id::text AS id, u.name FROM reporting.users u WHERE u.id IN "
                "(SELECT member_id FROM reporting.assignments WHERE project_id = :p) "
                "UNION SELECT a.member_id::text, a.member_name FROM reporting.assignments a "
                "WHERE a.project_id = :p AND a.member_name IS NOT NULL"
            ),
            {"p": project_id},
        )
    ).all()
    return {row.id: row.name for row in rows}


async def projects_where(session: AsyncSession, *, director_id: uuid.UUID | None = None,
                         client_id: uuid.UUID | None = None, project_ids: Sequence[uuid.UUID] | None = None) -> list:
    clauses, params = ["TRUE"], {}
    if director_id is not None:
        clauses.append("director_id = :d")
        params["d"] = director_id
    if client_id is not None:
        clauses.append("client_id = :c")
        params["c"] = client_id
    if project_ids is not None:
        clauses.append("id = ANY(:ids)")
        params["ids"] = list(project_ids)
    sql = f"SELECT * FROM reporting.projects WHERE {' AND '.join(clauses)} ORDER BY name, id"
    return list((await session.execute(text(sql), params)).mappings().all())


async def rollup_totals_pair(session: AsyncSession, project_id: uuid.UUID, previous_start: date, start: date,
                             end: date) -> tuple[dict, dict]:
    """Totals of [start, end) and of [previous_start, start) in one scan of the rollups."""
    sums = ", ".join(
        f"COALESCE(SUM({c}) FILTER (WHERE day >= :s), 0) AS cur_{c}, COALESCE(SUM({c}) FILTER (WHERE day < :s), 0) AS prev_{c}"
        for c in ("calls", "contacts", "appointments", "duration_s")
    )
    row = (await session.execute(
        text(f"SELECT {sums} FROM reporting.call_project_days WHERE project_id = :p AND day >= :ps AND day < :e"),
        {"p": project_id, "ps": previous_start, "s": start, "e": end},
    )).mappings().one()
    current = {c: int(row[f"cur_{c}"]) for c in ("calls", "contacts", "appointments", "duration_s")}
    previous = {c: int(row[f"prev_{c}"]) for c in ("calls", "contacts", "appointments", "duration_s")}
    return current, previous


async def worked_hours_pair(session: AsyncSession, project_id: uuid.UUID, previous_start: date, start: date,
                            end: date) -> tuple[float, float]:
    row = (await session.execute(
        text("SELECT COALESCE(SUM(hours) FILTER (WHERE day >= :s), 0) AS cur, "
             "COALESCE(SUM(hours) FILTER (WHERE day < :s), 0) AS prev FROM reporting.worked_hours "
             "WHERE project_id = :p AND day >= :ps AND day < :e"),
        {"p": project_id, "ps": previous_start, "s": start, "e": end},
    )).one()
    return float(row.cur), float(row.prev)
