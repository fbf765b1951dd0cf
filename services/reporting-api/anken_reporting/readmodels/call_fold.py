"""Folding staged call events (see call_facts) into the read models with a few set-based statements.

The result equals applying the events one by one with projections.apply_call, given what a
projects-api export guarantees (strictly increasing sequences, so every event of a call is
newer than the one before and the last one wins):
- call_states: each call's last event (a delete keeps its snapshot, flagged deleted);
- call_daily_rollups and call_project_days: what the live states add, by the definition every
  path uses (call_effects.rollup_increments, project_day_increments), into emptied tables;
- target_stock: first calls counted since the project's last list import (this path's own
  form, checked against the others by tests/reporting_kpis/test_call_effects_differential.py) — each event adds
  its own first-call contribution and takes back the one of the call's previous event, as
  apply_call does, and only what happened after the import counts (the import resets it);
- processed_events: every call event id.
"""

from __future__ import annotations

import time
import uuid
from typing import Any, Protocol

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.logging import get_logger
from anken_reporting.readmodels.call_effects import (
    COUNTS,
    ROLLUP_KEY,
    STATE_COLUMNS,
    project_day_increments,
    rollup_increments,
)
from anken_reporting.readmodels.call_facts import KIND_NAMES

log = get_logger("anken.reporting.rebuild")

_KIND_TYPE = "CASE kind " + " ".join(f"WHEN {k} THEN '{n}'" for k, n in KIND_NAMES.items()) + " END"


class _Run(Protocol):
    """Runs one step's SQL in the fold's transaction and logs its time."""

    async def __call__(self, step: str, sql: str, params: dict[str, Any] | None = None) -> None: ...


async def _refill(session: AsyncSession, table: str, columns: str, select: str, run: _Run) -> None:
    """Replace `reporting.<table>` with a new table filled by `select`, its indexes built afterwards.

    Millions of rows go in several times faster into a table without indexes, and an index built
    by one sort is faster than as many single insertions. Same name, columns, defaults, identity,
    constraints and indexes (read from the catalog), so nothing else can tell; the rows the old
    table holds (written earlier in this transaction) are carried over. The caller's transaction
    makes the swap atomic: readers wait, then see the new table.
    """
    qualified, fresh = f"reporting.{table}", f"{table}_refill"
    constraints = (await session.execute(text(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = CAST(:t AS regclass) "
        "AND contype IN ('p', 'u') ORDER BY contype"), {"t": qualified})).all()
    indexes = (await session.execute(text(
        "SELECT pg_get_indexdef(indexrelid) FROM pg_index WHERE indrelid = CAST(:t AS regclass) AND indexrelid NOT IN "
        "(SELECT conindid FROM pg_constraint WHERE conrelid = CAST(:t AS regclass))"), {"t": qualified})).scalars().all()
    sequence = (await session.execute(text(
        "SELECT s.relname FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
        "WHERE d.refobjid = CAST(:t AS regclass) AND d.deptype IN ('a', 'i')"), {"t": qualified})).scalar()
    await session.execute(text(
        f"CREATE TABLE reporting.{fresh} (LIKE {qualified} INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED)"))
    await session.execute(text(f"INSERT INTO reporting.{fresh} ({columns}) SELECT {columns} FROM {qualified}"))
    await run(table, f"INSERT INTO reporting.{fresh} ({columns}) {select}")
    await session.execute(text(f"DROP TABLE {qualified}"))
    await session.execute(text(f"ALTER TABLE reporting.{fresh} RENAME TO {table}"))
    if sequence:
        new_sequence = (await session.execute(text(
            "SELECT s.relname FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
            "WHERE d.refobjid = CAST(:t AS regclass) AND d.deptype IN ('a', 'i')"), {"t": qualified})).scalar()
        await session.execute(text(f"ALTER SEQUENCE reporting.{new_sequence} RENAME TO {sequence}"))
        # Identity values go on from the highest one, as they would have in the old table.
        await session.execute(text(
            f"SELECT setval('reporting.{sequence}', COALESCE((SELECT max(id) FROM {qualified}), 0) + 1, false)"))
    began = time.perf_counter()
    for name, definition in constraints:
        await session.execute(text(f'ALTER TABLE {qualified} ADD CONSTRAINT "{name}" {definition}'))
    for definition in indexes:
        await session.execute(text(definition))
    log.info("rebuild_step", step=f"{table}_indexes", seconds=round(time.perf_counter() - began, 2))


async def fold_calls(session: AsyncSession, stage: str, chain: str, imports: dict[uuid.UUID, int],
                     invalid: list[tuple[str, str]], edited: set[uuid.UUID]) -> None:
    """Fold `reporting.<stage>` into the (emptied) read models inside the caller's transaction.

    `imports` maps project id → stream position of its last applied list import; `invalid`
    lists (event id, type) of call events whose payload was rejected; `edited` holds the calls
    with an update or delete. `chain` names a scratch table this creates (the caller drops it).
    Each step's time is logged.

    Nearly every call has one event, so only the edited ones are put in order (the chain); the
    unique indexes then prove that no other call or event id came twice. If one did (a call
    logged again under a new event id), the fold starts over with every call in the chain.
    """

    async def run(step: str, sql: str, params: dict[str, Any] | None = None) -> None:
        began = time.perf_counter()
        await session.execute(text(sql), params or {})
        log.info("rebuild_step", step=step, seconds=round(time.perf_counter() - began, 2))

    # Sorting and hashing millions of rows in memory rather than in many small spills.
    await session.execute(text("SET LOCAL work_mem = '1GB'"))
    await session.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))
    if invalid:
        await session.execute(text(
            "INSERT INTO reporting.processed_events (event_id, type) SELECT * FROM unnest(CAST(:ids AS uuid[]), "
            "CAST(:types AS text[])) ON CONFLICT (event_id) DO NOTHING"
        ), {"ids": [i for i, _ in invalid], "types": [t for _, t in invalid]})
    try:
        async with session.begin_nested():
            await _fold(session, stage, chain, imports, run, edited=list(edited))
    except IntegrityError:
        log.info("rebuild_calls_repeated", detail="folding every call in order")
        await _fold(session, stage, chain, imports, run, edited=None)


async def _fold(session: AsyncSession, stage: str, chain: str, imports: dict[uuid.UUID, int], run: _Run,
                edited: list[uuid.UUID] | None) -> None:
    """One attempt: `edited` calls (all when None) through the chain, the others as they are."""
    distinct = "DISTINCT ON (event_id) " if edited is None else ""
    await _refill(session, "processed_events", "event_id, type",
                  f"SELECT {distinct}event_id, {_KIND_TYPE} FROM reporting.{stage} s WHERE NOT EXISTS "
                  "(SELECT 1 FROM reporting.processed_events p WHERE p.event_id = s.event_id)"
                  + (" ORDER BY event_id" if edited is None else ""), run)
    # Each chained call's events in order, with what the previous one contributed.
    where = "" if edited is None else "WHERE call_id = ANY(CAST(:edited AS uuid[])) "
    await run("chain", (
        f"CREATE UNLOGGED TABLE reporting.{chain} AS SELECT call_id, seq, pos, project_id, member_id, day, variant, "
        "script_version_id, industry, outcome, duration_s, first_call, kind = 2 AS deleted, "
        "lag(project_id) OVER w AS prev_project, lag(first_call AND kind <> 2) OVER w AS prev_first, "
        f"lead(seq) OVER w IS NULL AS last FROM reporting.{stage} {where}"
        "WINDOW w AS (PARTITION BY call_id ORDER BY seq)"
    ), {"edited": edited} if edited is not None else None)
    # The calls outside the chain: one call.logged each, applied as it is.
    single = (f"FROM reporting.{stage} s WHERE NOT EXISTS (SELECT 1 FROM reporting.{chain} c WHERE c.call_id = s.call_id)"
              if edited is not None else None)
    state_columns = ", ".join(STATE_COLUMNS)
    fields = "call_id, seq, project_id, member_id, day, variant, script_version_id, industry, outcome, duration_s, first_call"
    await _refill(session, "call_states", state_columns,
                  f"SELECT {fields}, deleted FROM reporting.{chain} WHERE last"
                  + (f" UNION ALL SELECT {fields}, false {single}" if single else ""), run)
    counts = ", ".join(COUNTS)
    await _refill(session, "call_daily_rollups", f"{', '.join(ROLLUP_KEY)}, {counts}",
                  rollup_increments("reporting.call_states WHERE NOT deleted"), run)
    # Far fewer rows than the rollups (a project's day), so summed from them rather than from the states.
    await _refill(session, "call_project_days", f"project_id, day, {counts}",
                  project_day_increments("reporting.call_daily_rollups"), run)
    if imports:
        await run("target_stock", (
            "UPDATE reporting.target_stock s SET first_calls_since = s.first_calls_since + d.n FROM ("
            "SELECT x.project_id, sum(x.n) AS n FROM ("
            f"SELECT project_id, 1 AS n, pos FROM reporting.{chain} WHERE first_call AND NOT deleted UNION ALL "
            f"SELECT prev_project, -1, pos FROM reporting.{chain} WHERE prev_first"
            + (f" UNION ALL SELECT project_id, 1, pos {single} AND first_call" if single else "")
            + ") x JOIN unnest(CAST(:projects AS uuid[]), CAST(:positions AS bigint[])) AS i(project_id, pos) "
            "ON i.project_id = x.project_id AND x.pos > i.pos GROUP BY x.project_id) d WHERE s.project_id = d.project_id"
        ), {"projects": list(imports), "positions": list(imports.values())})
