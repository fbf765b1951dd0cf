"""Folding staged call events (see call_facts) into the read models with a few set-based statements.

The result equals applying the events one by one with projections.apply_call, given what a
projects-api export guarantees (strictly increasing sequences, so every event of a call is
newer than the one before and the last one wins):
- call_states: each call's last event (a delete keeps its snapshot, flagged deleted);
- call_daily_rollups: the sums of the live states, one row per key (no empty rows);
- target_stock: first calls counted since the project's last list import — each event adds
  its own first-call contribution and takes back the one of the call's previous event, as
  apply_call does, and only what happened after the import counts (the import resets it);
- processed_events: every call event id.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.event_payloads import CONTACT_OUTCOMES
from anken_reporting.readmodels.call_facts import KIND_NAMES

_CONTACTS = ", ".join(f"'{o}'" for o in sorted(CONTACT_OUTCOMES))
_KIND_TYPE = "CASE kind " + " ".join(f"WHEN {k} THEN '{n}'" for k, n in KIND_NAMES.items()) + " END"
_KEY = "project_id, day, member_id, variant, script_version_id, industry"


async def fold_calls(session: AsyncSession, stage: str, chain: str, imports: dict[str, int],
                     invalid: list[tuple[str, str]]) -> None:
    """Fold `reporting.<stage>` into the (emptied) read models inside the caller's transaction.

    `imports` maps project id → stream position of its last applied list import; `invalid`
    lists (event id, type) of call events whose payload was rejected. `chain` names a scratch table this creates (the caller drops it).
    """
    # Sorting millions of rows in a few large runs rather than many small spills.
    await session.execute(text("SET LOCAL work_mem = '256MB'"))
    await session.execute(text(
        f"INSERT INTO reporting.processed_events (event_id, type) SELECT event_id, {_KIND_TYPE} "
        f"FROM reporting.{stage} ORDER BY event_id ON CONFLICT (event_id) DO NOTHING"
    ))
    if invalid:
        await session.execute(text(
            "INSERT INTO reporting.processed_events (event_id, type) SELECT * FROM unnest(CAST(:ids AS uuid[]), "
            "CAST(:types AS text[])) ON CONFLICT (event_id) DO NOTHING"
        ), {"ids": [i for i, _ in invalid], "types": [t for _, t in invalid]})
    # Each call's events in order, with what the previous one contributed: one sort for all below.
    await session.execute(text(
        f"CREATE UNLOGGED TABLE reporting.{chain} AS SELECT call_id, seq, pos, project_id, member_id, day, variant, "
        "script_version_id, industry, outcome, duration_s, first_call, kind = 2 AS deleted, "
        "lag(project_id) OVER w AS prev_project, lag(first_call AND kind <> 2) OVER w AS prev_first, "
        f"lead(seq) OVER w IS NULL AS last FROM reporting.{stage} WINDOW w AS (PARTITION BY call_id ORDER BY seq)"
    ))
    await session.execute(text(
        "INSERT INTO reporting.call_states (call_id, sequence, project_id, member_id, day, variant, script_version_id, "
        "industry, outcome, duration_s, first_call, deleted) SELECT call_id, seq, project_id, member_id, day, variant, "
        f"script_version_id, industry, outcome, duration_s, first_call, deleted FROM reporting.{chain} WHERE last"
    ))
    await session.execute(text(
        f"INSERT INTO reporting.call_daily_rollups ({_KEY}, calls, contacts, appointments, duration_s, first_calls) "
        f"SELECT {_KEY}, count(*), count(*) FILTER (WHERE outcome IN ({_CONTACTS})), "
        "count(*) FILTER (WHERE outcome = 'appointment'), sum(duration_s), count(*) FILTER (WHERE first_call) "
        f"FROM reporting.{chain} WHERE last AND NOT deleted GROUP BY {_KEY} ORDER BY {_KEY}"
    ))
    if imports:
        await session.execute(text(
            "UPDATE reporting.target_stock s SET first_calls_since = s.first_calls_since + d.n FROM ("
            "SELECT x.project_id, sum(x.n) AS n FROM ("
            f"SELECT project_id, 1 AS n, pos FROM reporting.{chain} WHERE first_call AND NOT deleted UNION ALL "
            f"SELECT prev_project, -1, pos FROM reporting.{chain} WHERE prev_first"
            ") x JOIN unnest(CAST(:projects AS uuid[]), CAST(:positions AS bigint[])) AS i(project_id, pos) "
            "ON i.project_id = x.project_id AND x.pos > i.pos GROUP BY x.project_id) d WHERE s.project_id = d.project_id"
        ), {"projects": list(imports), "positions": list(imports.values())})
