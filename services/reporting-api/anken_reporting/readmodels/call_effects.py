"""A call's effect on the KPI read models, defined once for every path that applies calls.

A call is kept as its state (`reporting.call_states`: the facts of its last event, flagged when
deleted). What a set of call states adds to the read models is:

- call_daily_rollups: per (project, member, local day, variant, script version, industry), the
  calls, contacts, appointments, seconds and first calls of the states (`rollup_increments`);
- call_project_days: those increments summed per project and day (`project_day_increments`);
- target_stock: the first calls, summed per project (`stock_increments`).

Each state carries a sign: +1 adds it, -1 takes back what it added. The per-event path
(projections.apply_call) applies the set {old state: -1, new state: +1} of one event, the batched
path (bulk_calls.apply_logged_calls) the new states of a run of `call.logged` events, both with
`apply_contributions`; a rollup or project day left with no calls is removed, so every path ends
with the same rows. The rebuild (call_fold) fills emptied tables from the same `rollup_increments`
and `project_day_increments` over every live state. Only its target stock differs (first calls
counted from the position of the project's last list import); tests/reporting_kpis/
test_call_effects_differential.py drives one random history through every path and compares
the tables row by row.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, Protocol
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.call_fact_widths import stored_industry, stored_variant
from anken_common.call_outcomes import CONTACT_OUTCOMES, CallOutcome
from anken_reporting.readmodels.timezones import local_day

ROLLUP_KEY = ("project_id", "member_id", "day", "variant", "script_version_id", "industry")
COUNTS = ("calls", "contacts", "appointments", "duration_s", "first_calls")
# A call state's facts, in this order wherever they are passed as a tuple.
FACTS = ("project_id", "member_id", "day", "variant", "script_version_id", "industry", "outcome", "duration_s",
         "first_call")
STATE_COLUMNS = ("call_id", "sequence", *FACTS, "deleted")
# The same as tuples: a call's facts (FACTS order) and its whole state (STATE_COLUMNS order).
Facts = tuple[UUID, UUID, date, str, str, str, str, int, bool]
State = tuple[UUID, int, UUID, UUID, date, str, str, str, str, int, bool, bool]
_FACT_TYPES = ("uuid", "uuid", "date", "text", "text", "text", "text", "int", "boolean")
_STATE_TYPES = ("uuid", "bigint", *_FACT_TYPES, "boolean")
_CONTACTS = ", ".join(f"'{o}'" for o in sorted(CONTACT_OUTCOMES))
_KEY = ", ".join(ROLLUP_KEY)


class CallFacts(Protocol):
    """What a call event says about the call (CallPayload, or the rebuild's msgspec struct)."""

    @property
    def project_id(self) -> UUID: ...
    @property
    def member_id(self) -> UUID: ...
    @property
    def occurred_at(self) -> datetime: ...
    @property
    def variant(self) -> str | None: ...
    @property
    def script_version_id(self) -> UUID | None: ...
    @property
    def target_industry(self) -> str | None: ...
    @property
    def outcome(self) -> str: ...
    @property
    def duration_s(self) -> int: ...
    @property
    def first_call_of_target(self) -> bool: ...


def call_facts(p: CallFacts, timezone: str | None) -> Facts:
    """The call's facts as its state keeps them (FACTS order): its day in the project's zone,
    texts cut to their stored widths, no script version as ''."""
    return (p.project_id, p.member_id, local_day(p.occurred_at, timezone), stored_variant(p.variant),
            str(p.script_version_id) if p.script_version_id else "", stored_industry(p.target_industry), p.outcome,
            p.duration_s, p.first_call_of_target)


def contribution_sums(sign: str) -> str:
    """The COUNTS a group of call states adds, as SQL aggregates over FACTS; `sign` is the SQL of
    each state's sign (+1 adds it, -1 takes it back)."""
    return (f"sum({sign}) AS calls, "
            f"COALESCE(sum({sign}) FILTER (WHERE outcome IN ({_CONTACTS})), 0) AS contacts, "
            f"COALESCE(sum({sign}) FILTER (WHERE outcome = '{CallOutcome.appointment}'), 0) AS appointments, "
            f"sum({sign} * duration_s) AS duration_s, "
            f"COALESCE(sum({sign}) FILTER (WHERE first_call), 0) AS first_calls")


def rollup_increments(source: str, sign: str = "1") -> str:
    """SQL: the call_daily_rollups rows (ROLLUP_KEY, COUNTS) the states of `source` add
    (`source`: a FROM item with the FACTS columns, optionally followed by its WHERE)."""
    return f"SELECT {_KEY}, {contribution_sums(sign)} FROM {source} GROUP BY {_KEY}"


def project_day_increments(rollups: str) -> str:
    """SQL: the call_project_days rows the rollup rows of `rollups` add (their sums per project and day)."""
    return (f"SELECT project_id, day, {', '.join(f'sum({c}) AS {c}' for c in COUNTS)} FROM {rollups} "
            "GROUP BY project_id, day")


def stock_increments(rollups: str) -> str:
    """SQL: the first calls the rollup rows of `rollups` add to each project's target stock."""
    return f"SELECT project_id, sum(first_calls) AS n FROM {rollups} GROUP BY project_id"


def _unnest(names: tuple[str, ...], types: tuple[str, ...]) -> str:
    arrays = ", ".join(f"CAST(:{n} AS {t}[])" for n, t in zip(names, types, strict=True))
    return f"unnest({arrays}) AS c({', '.join(names)})"


def _added(table: str, columns: tuple[str, ...]) -> str:
    return ", ".join(f"{c} = {table}.{c} + EXCLUDED.{c}" for c in columns)


# Rows are written in key order, so concurrent transactions take the row locks in one order.
APPLY_CONTRIBUTIONS = text(
    f"WITH c AS (SELECT * FROM {_unnest((*FACTS, 'sign'), (*_FACT_TYPES, 'int'))}), "
    f"r AS ({rollup_increments('c', 'sign')}), "
    f"rollups AS (INSERT INTO reporting.call_daily_rollups ({_KEY}, {', '.join(COUNTS)}) "
    f"SELECT * FROM r ORDER BY {_KEY} ON CONFLICT ON CONSTRAINT uq_call_daily_rollups_key DO UPDATE SET "
    f"{_added('call_daily_rollups', COUNTS)} RETURNING 1), "
    f"days AS (INSERT INTO reporting.call_project_days (project_id, day, {', '.join(COUNTS)}) "
    f"SELECT * FROM ({project_day_increments('r')}) d ORDER BY project_id, day "
    f"ON CONFLICT (project_id, day) DO UPDATE SET {_added('call_project_days', COUNTS)} RETURNING 1), "
    "stock AS (UPDATE reporting.target_stock s SET first_calls_since = s.first_calls_since + i.n "
    f"FROM ({stock_increments('r')}) i WHERE s.project_id = i.project_id AND i.n <> 0 RETURNING 1) "
    "SELECT (SELECT count(*) FROM rollups) + (SELECT count(*) FROM days) + (SELECT count(*) FROM stock)"
)
# A rollup or project day a call left with no calls is removed (the rebuild makes no empty rows).
DELETE_EMPTY = text(
    f"WITH c AS (SELECT DISTINCT * FROM {_unnest(ROLLUP_KEY, _FACT_TYPES[:6])}), "
    f"gone AS (DELETE FROM reporting.call_daily_rollups r USING c WHERE "
    f"{' AND '.join(f'r.{k} = c.{k}' for k in ROLLUP_KEY)} AND r.calls = 0 RETURNING 1) "
    "DELETE FROM reporting.call_project_days d USING (SELECT DISTINCT project_id, day FROM c) k "
    "WHERE d.project_id = k.project_id AND d.day = k.day AND d.calls = 0"
)
UPSERT_STATES = text(
    f"INSERT INTO reporting.call_states ({', '.join(STATE_COLUMNS)}) SELECT * FROM "
    f"{_unnest(STATE_COLUMNS, _STATE_TYPES)} ON CONFLICT (call_id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in STATE_COLUMNS[1:])
)


def _columns(rows: Sequence[tuple[Any, ...]], names: tuple[str, ...]) -> dict[str, list[Any]]:
    return {name: [row[i] for row in rows] for i, name in enumerate(names)}


async def apply_contributions(session: AsyncSession, contributions: list[tuple[Facts, int]]) -> None:
    """Add each (call facts in FACTS order, sign) to the rollups, project days and target stock
    in one statement; then remove what a taken-back state left empty."""
    if not contributions:
        return
    rows = [(*facts, sign) for facts, sign in contributions]
    await session.execute(APPLY_CONTRIBUTIONS, _columns(rows, (*FACTS, "sign")))
    taken_back = [facts for facts, sign in contributions if sign < 0]
    if taken_back:
        await session.execute(DELETE_EMPTY, _columns(taken_back, ROLLUP_KEY))


async def write_states(session: AsyncSession, states: list[State]) -> None:
    """Insert or replace call states (STATE_COLUMNS order), one statement for any number."""
    if states:
        await session.execute(UPSERT_STATES, _columns(states, STATE_COLUMNS))
