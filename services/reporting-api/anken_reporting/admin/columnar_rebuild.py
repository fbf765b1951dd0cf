"""Staging projects-api's export from its CSV of call facts, with no per-call work in Python.

The NDJSON stream costs the rebuild most of its time in reading: 10 M envelopes built as JSON
by projects-api, then split, decoded and re-encoded for COPY here. The CSV layout
(`Accept: text/csv`, export_client.CALL_FACT_CSV_COLUMNS) carries each call event of the calls
service's shape as its facts, so the response is piped straight into COPY FROM STDIN of an
UNLOGGED table, which parses and types every value (UUIDs, the instant, the duration): a value
it refuses means the export is not what this path assumes, and the rebuild reads NDJSON
instead (ColumnarUnsuitable). Only the rows that carry an envelope — every other event, and
call events of another shape — are read back and judged in Python exactly as the NDJSON path
judges them (admin.bulk_rebuild.Staged). The facts are then written once into a table of the
NDJSON stage's layout (readmodels.call_facts.FACT_COLUMNS), so the fold is the same code:

- pos is the event's sequence (the fold only compares positions, and sequences strictly
  increase in stream order: checked here, else IrregularExport as on the NDJSON path);
- day is the call's instant in its project's zone as of that point of the stream — the zone of
  the project's latest event before it, Asia/Tokyo before any — from a small table of zone
  ranges, the same zone the incremental path would have used.

The day is the one fact this path computes in SQL rather than through
readmodels.call_effects.call_facts; tests/reporting_kpis/test_call_effects_differential.py
folds random histories (instants either side of midnight and month ends, a zone change) through
this path and the others and compares the tables.
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from anken_common.logging import get_logger
from anken_reporting.admin.export_client import CallFactSource
from anken_reporting.readmodels.call_facts import CALL_KINDS, FACT_COLUMNS, FACT_DDL, FactRow, call_fact
from anken_reporting.readmodels.timezones import DEFAULT_TIMEZONE, zone

if TYPE_CHECKING:
    from anken_reporting.admin.bulk_rebuild import Progress, Staged

log = get_logger("anken.reporting.rebuild")

# The stage's columns in the CSV's order; `ord` numbers the rows as they arrive. client_id and
# target_id are not kept by the read models, but typed here all the same: a call whose ids do not
# parse is one the NDJSON path would refuse.
CSV_STAGE_COLUMNS = ("seq", "event_id", "type", "call_id", "project_id", "client_id", "member_id", "target_id",
                     "occurred_at", "variant", "script_version_id", "industry", "outcome", "duration_s", "first_call",
                     "envelope")
CSV_STAGE_DDL = (
    "ord bigint GENERATED ALWAYS AS IDENTITY, seq bigint NOT NULL, event_id uuid NOT NULL, type text NOT NULL, "
    "call_id uuid, project_id uuid, client_id uuid, member_id uuid, target_id uuid, occurred_at timestamptz, "
    "variant text, script_version_id uuid, industry text, outcome text, duration_s int, first_call boolean, "
    "envelope text"
)
_KIND = "CASE s.type " + " ".join(f"WHEN '{name}' THEN {kind}" for name, kind in CALL_KINDS.items()) + " END"


class ColumnarUnsuitable(Exception):
    """This export cannot be folded from its CSV (e.g. a zone PostgreSQL does not know): use NDJSON."""


@dataclass
class ColumnarStage:
    facts: str  # the table (in schema reporting) the fold reads, in the NDJSON stage's layout
    scratch: list[str]  # what to drop afterwards


async def copy_connection(conn: AsyncConnection) -> Any:
    """The asyncpg connection under `conn`, for COPY (asyncpg ships no types)."""
    driver = (await conn.get_raw_connection()).driver_connection
    if driver is None:  # only a connection already closed has none
        raise RuntimeError("the database connection is closed")
    return driver


async def _counted(chunks: AsyncIterator[bytes], progress: Progress, page_size: int) -> AsyncIterator[bytes]:
    """The chunks as they come, with progress from their line count (one row per line)."""
    lines = 0
    async for chunk in chunks:
        lines += chunk.count(b"\n")
        yield chunk
        await progress.report(lines, lines // page_size, None)


async def stage_call_fact_csv(engine: AsyncEngine, source: CallFactSource, staged: Staged, suffix: str,
                              progress: Progress, page_size: int) -> ColumnarStage | None:
    """Load the export's CSV and fill `staged` (an admin.bulk_rebuild.Staged) from it; None when
    the server does not send that layout. Raises IrregularExport (sequences out of order) or
    ColumnarUnsuitable; the tables made so far are dropped then."""
    from anken_reporting.admin.bulk_rebuild import IrregularExport, envelope_of

    csv, extra, zones_table, facts = (f"rebuild_csv_{suffix}", f"rebuild_extra_{suffix}", f"rebuild_zones_{suffix}",
                                      f"rebuild_calls_{suffix}")
    result = ColumnarStage(facts=facts, scratch=[csv, extra, zones_table, facts])
    try:
        # Created and committed before the export starts: projects-api waits for open write
        # transactions before it answers (see its settled bound), and this one would be ours.
        async with engine.begin() as conn:
            await conn.execute(text(f"CREATE UNLOGGED TABLE reporting.{csv} ({CSV_STAGE_DDL})"))
        async with source.call_fact_csv() as chunks:
            if chunks is None:
                await drop(engine, result)
                return None
            began = time.perf_counter()
            try:
                async with engine.begin() as conn:
                    # The COPY writes (and so takes a transaction id) only once the first rows arrive.
                    raw = await copy_connection(conn)
                    await raw.copy_to_table(csv, schema_name="reporting", source=_counted(chunks, progress, page_size),
                                            columns=CSV_STAGE_COLUMNS, format="csv")
            except asyncpg.DataError as exc:
                raise ColumnarUnsuitable(f"a call fact PostgreSQL does not read: {exc}") from None
            log.info("rebuild_step", step="csv_copy", seconds=round(time.perf_counter() - began, 2))
        began = time.perf_counter()
        async with engine.connect() as conn:
            await conn.execute(text("SET work_mem = '1GB'"))
            # Stream order is arrival order (ord); the fold's premise is that sequences rise along it.
            counts = (await conn.execute(text(
                "SELECT count(*) AS n, max(seq) AS last, count(*) FILTER (WHERE envelope IS NULL) AS calls, "
                "count(*) FILTER (WHERE step <= 0) AS backwards FROM (SELECT seq, envelope, "
                f"seq - lag(seq) OVER (ORDER BY ord) AS step FROM reporting.{csv}) x"))).one()
            await conn.execute(text("RESET work_mem"))
            if counts.backwards:
                raise IrregularExport(f"{counts.backwards} sequences not above the one before them in the CSV export")
            rows = (await conn.execute(text(
                f"SELECT seq, envelope FROM reporting.{csv} WHERE envelope IS NOT NULL ORDER BY ord"))).all()
            edited = (await conn.execute(text(
                f"SELECT DISTINCT call_id FROM reporting.{csv} WHERE envelope IS NULL AND type <> 'call.logged'"
            ))).scalars().all()
            await conn.commit()
        log.info("rebuild_step", step="csv_check", seconds=round(time.perf_counter() - began, 2))

        # The envelopes, judged as the NDJSON path judges them, in stream order.
        extra_rows: list[FactRow] = []
        changes: list[tuple[uuid.UUID, int, str]] = []  # (project, from sequence, zone)
        for seq, line in rows:
            envelope = envelope_of(line.encode(), f"export event {seq}")
            if envelope.type in CALL_KINDS:
                if envelope.source != "reporting-api":
                    staged.add_call(call_fact(seq, seq, envelope.id, envelope.type, envelope.payload, staged.zones),
                                 extra_rows, envelope.id, envelope.type)
                continue
            before = dict(staged.zones)
            staged.add_other(envelope, seq)
            changes += [(pid, seq, name) for pid, name in staged.zones.items() if before.get(pid) != name]
        staged.calls += counts.calls
        staged.edited.update(edited)
        staged.events, staged.last_seq = counts.n, counts.last or 0
        staged.pages = math.ceil(counts.n / page_size)
        staged.cursor = str(counts.last) if counts.n else None

        began = time.perf_counter()
        # The zone each call's day is taken in: as Python resolves it (an unknown name is Tokyo there).
        ranges = []
        by_project: dict[uuid.UUID, list[tuple[int, str]]] = {}
        for pid, seq, name in changes:
            by_project.setdefault(pid, []).append((seq, zone(name).key))
        for pid, entries in by_project.items():
            for i, (seq, key) in enumerate(entries):
                ranges.append((pid, seq, entries[i + 1][0] if i + 1 < len(entries) else 2**63 - 1, key))
        async with engine.begin() as conn:
            names = sorted({r[3] for r in ranges} | {DEFAULT_TIMEZONE})
            unknown = (await conn.execute(text(
                "SELECT n FROM unnest(CAST(:names AS text[])) n WHERE NOT EXISTS "
                "(SELECT 1 FROM pg_timezone_names z WHERE z.name = n)"), {"names": names})).scalars().all()
            if unknown:
                raise ColumnarUnsuitable(f"zones PostgreSQL does not know: {', '.join(unknown)}")
            await conn.execute(text(
                f"CREATE UNLOGGED TABLE reporting.{zones_table} (project_id uuid NOT NULL, after_seq bigint NOT NULL, "
                "until_seq bigint NOT NULL, zone text NOT NULL)"))
            await conn.execute(text(f"CREATE UNLOGGED TABLE reporting.{extra} ({FACT_DDL})"))
            raw = await copy_connection(conn)
            if ranges:
                await raw.copy_records_to_table(zones_table, schema_name="reporting", records=ranges)
            if extra_rows:
                await raw.copy_records_to_table(extra, schema_name="reporting", records=extra_rows,
                                                columns=FACT_COLUMNS)
            await conn.execute(text(f"ANALYZE reporting.{zones_table}"))
            await conn.execute(text("SET LOCAL work_mem = '256MB'"))
            await conn.execute(text(
                f"CREATE UNLOGGED TABLE reporting.{facts} AS SELECT s.seq AS pos, s.seq, s.event_id, "
                f"CAST({_KIND} AS smallint) AS kind, s.call_id, s.project_id, s.member_id, "
                f"CAST(s.occurred_at AT TIME ZONE COALESCE(z.zone, '{DEFAULT_TIMEZONE}') AS date) AS day, s.variant, "
                "COALESCE(CAST(s.script_version_id AS text), '') AS script_version_id, s.industry, s.outcome, "
                f"s.duration_s, s.first_call FROM reporting.{csv} s LEFT JOIN reporting.{zones_table} z "
                "ON z.project_id = s.project_id AND s.seq > z.after_seq AND s.seq < z.until_seq "
                f"WHERE s.envelope IS NULL UNION ALL SELECT {', '.join(FACT_COLUMNS)} FROM reporting.{extra}"))
            await conn.execute(text(f"DROP TABLE reporting.{csv}, reporting.{extra}, reporting.{zones_table}"))
        log.info("rebuild_step", step="csv_facts", seconds=round(time.perf_counter() - began, 2))
        return result
    except BaseException:
        await drop(engine, result)
        raise


async def drop(engine: AsyncEngine, stage: ColumnarStage) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(f"DROP TABLE IF EXISTS {', '.join('reporting.' + t for t in stage.scratch)}"))
