"""The rebuild's two ways of folding projects-api's export into the read models.

bulk_rebuild (the normal way): call events — nearly all of the export — are parsed without
pydantic when in canonical form (readmodels.call_facts) and COPYed into an UNLOGGED staging
table while the export streams in; the few other events are kept in order. Then one
transaction empties the read models, applies the other events through the live consumer's
projections and folds the staged calls with set-based SQL (readmodels.call_fold). Readers see
the old read models or the new ones, never a half-built state, and the result is exactly the
incremental path's.

When projects-api offers it, the export is read as CSV of call facts instead, piped into COPY
with no decoding per call (admin.columnar_rebuild); the NDJSON stream stays the fallback.

The fold relies on the export's sequences strictly increasing (projects-api's outbox ids).
When they do not, replay_rebuild applies the export event by event, which is exact for any
order (and is how every rebuild ran before).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from contextlib import aclosing
from dataclasses import dataclass, field

import msgspec
import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import ARRAY, UUID, insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from anken_common.event_payloads import ProjectPayload, TargetListImportedPayload
from anken_common.events import EventEnvelope, EventType
from anken_common.logging import get_logger
from anken_reporting.admin.columnar_rebuild import (
    ColumnarStage,
    ColumnarUnsuitable,
    copy_connection,
    stage_call_fact_csv,
)
from anken_reporting.admin.columnar_rebuild import drop as drop_columnar
from anken_reporting.admin.export_client import CallFactSource, ExportFormatError, ExportPage, ExportSource
from anken_reporting.admin.models import rebuild_jobs
from anken_reporting.consumers.batch import apply_events
from anken_reporting.consumers.models import processed_events
from anken_reporting.consumers.registry import PROJECTIONS, REBUILDABLE_TABLES, ApplyContext
from anken_reporting.readmodels.call_facts import (
    CALL_KINDS,
    FACT_COLUMNS,
    FACT_DDL,
    HEAD_DECODER,
    EnvelopeHead,
    FactRow,
    call_fact,
)
from anken_reporting.readmodels.call_fold import fold_calls
from anken_reporting.settings import ReportingSettings

log = get_logger("anken.reporting.rebuild")
PROGRESS_EVERY_S = 1.0
PROJECT_TYPES = {EventType.project_created, EventType.project_updated, EventType.project_status_changed}


class IrregularExport(Exception):
    """The export's sequences do not strictly increase: the bulk fold's premise does not hold."""


class Progress:
    """Writes a job's counters, at most once a second unless forced."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], job_id: uuid.UUID) -> None:
        self.sessionmaker, self.job_id, self.last = sessionmaker, job_id, 0.0

    async def report(self, events: int, pages: int, cursor: str | None, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_EVERY_S:
            return
        self.last = now
        async with self.sessionmaker() as session, session.begin():
            await session.execute(
                sa.update(rebuild_jobs)
                .where(rebuild_jobs.c.id == self.job_id)
                .values(events_applied=events, pages=pages, cursor=cursor)
            )
        log.info("rebuild_progress", job_id=str(self.job_id), events=events, pages=pages)


@dataclass
class Staged:
    """The first pass's findings: call facts went to the staging table, the rest is here."""

    others: list[EventEnvelope] = field(default_factory=list)  # events with projections, in order
    unhandled: list[tuple[str, str]] = field(default_factory=list)  # (id, type) only to mark processed
    invalid_calls: list[tuple[str, str]] = field(default_factory=list)
    edited: set[uuid.UUID] = field(default_factory=set)  # calls with an update or delete
    zones: dict[uuid.UUID, str] = field(default_factory=dict)
    imports: dict[uuid.UUID, int] = field(default_factory=dict)  # project id → position of its last import
    calls: int = 0
    events: int = 0
    pages: int = 0
    cursor: str | None = None
    last_seq: int = 0

    def facts(self, page: ExportPage) -> list[FactRow]:
        """The page's call facts; records everything else it holds."""
        rows: list[FactRow] = []
        for line in page.items:
            self.events += 1
            pos = self.events
            try:
                head: EnvelopeHead | None = HEAD_DECODER.decode(line)
            except msgspec.ValidationError:
                head = None
            except msgspec.DecodeError as exc:
                raise ExportFormatError(f"export line {pos} is not JSON ({exc}): {bytes(line[:200])!r}") from None
            if head is None or head.type not in CALL_KINDS:
                # Few: decoded and validated as the live consumer does.
                envelope = envelope_of(line, f"export line {pos}")
                self._check_order(envelope.sequence, pos)
                if envelope.type in CALL_KINDS:
                    if envelope.source != "reporting-api":
                        self.add_call(call_fact(pos, envelope.sequence, envelope.id, envelope.type, envelope.payload,
                                             self.zones), rows, envelope.id, envelope.type)
                else:
                    self.add_other(envelope, pos)
                continue
            self._check_order(head.sequence, pos)
            if head.source != "reporting-api":
                self.add_call(call_fact(pos, head.sequence, head.id, head.type, head.payload, self.zones), rows,
                           head.id, head.type)
        return rows

    def _check_order(self, seq: int, pos: int) -> None:
        if seq <= self.last_seq:
            raise IrregularExport(f"sequence {seq} after {self.last_seq} at event {pos}")
        self.last_seq = seq

    def add_call(self, row: FactRow | None, rows: list[FactRow], event_id: uuid.UUID, event_type: str) -> None:
        if row is None:
            self.invalid_calls.append((str(event_id), event_type))
        else:
            rows.append(row)
            self.calls += 1
            if row[3]:  # kind: updated or deleted
                self.edited.add(row[4])

    def add_other(self, envelope: EventEnvelope, pos: int) -> None:
        if envelope.source == "reporting-api":
            return  # as the live consumer: reporting-api's own events are not folded in
        if not PROJECTIONS.get(envelope.type):
            self.unhandled.append((str(envelope.id), envelope.type[:64]))
            return
        self.others.append(envelope)
        # What the calls after this point see, as on the incremental path: a project's zone
        # (for their local day) and its latest list import (first calls count from there).
        try:
            if envelope.type in PROJECT_TYPES:
                project = ProjectPayload.model_validate(envelope.payload)
                self.zones[project.id] = project.timezone
            elif envelope.type == EventType.target_list_imported:
                self.imports[TargetListImportedPayload.model_validate(envelope.payload).project_id] = pos
        except ValidationError:
            pass  # skipped by its projection too (logged there)


def envelope_of(line: bytes, where: str) -> EventEnvelope:
    try:
        return EventEnvelope.model_validate_json(line)
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise ExportFormatError(f"{where} is not JSON: {bytes(line[:200])!r}") from None
        raise ExportFormatError(f"{where}: not an event envelope: {exc}") from None


async def _stage(engine: AsyncEngine, source: ExportSource, stage: str, progress: Progress) -> Staged:
    """Read the whole NDJSON export: call facts COPYed into `stage`, the rest kept in `Staged`."""
    staged = Staged()
    async with engine.connect() as conn:
        raw = await copy_connection(conn)
        copying: asyncio.Future[None] | None = None
        try:
            async with aclosing(source.pages()) as pages:
                async for page in pages:
                    rows = staged.facts(page)
                    if copying is not None:
                        await copying
                        copying = None
                    if rows:
                        # The server takes this COPY while the next page is read and parsed.
                        copying = asyncio.ensure_future(raw.copy_records_to_table(
                            stage, schema_name="reporting", records=rows, columns=FACT_COLUMNS))
                    staged.pages += 1
                    staged.cursor = page.next_cursor or staged.cursor
                    await progress.report(staged.events, staged.pages, staged.cursor)
            if copying is not None:
                await copying
                copying = None
        finally:
            if copying is not None:
                copying.cancel()
                await asyncio.gather(copying, return_exceptions=True)
    return staged


def _mark_processed(events: list[tuple[str, str]]) -> sa.Insert:
    """Record events no projection handles as processed, in one statement."""
    pairs = sa.func.unnest(
        sa.cast([event_id for event_id, _ in events], ARRAY(UUID(as_uuid=False))),
        sa.cast([event_type for _, event_type in events], ARRAY(sa.Text)),
    ).table_valued("event_id", "type").render_derived(name="pairs")
    return (
        insert(processed_events)
        .from_select(["event_id", "type"], sa.select(pairs.c.event_id, pairs.c.type))
        .on_conflict_do_nothing(index_elements=[processed_events.c.event_id])
    )


async def bulk_rebuild(engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession],
                       settings: ReportingSettings, source: ExportSource, progress: Progress) -> None:
    suffix = uuid.uuid4().hex[:12]
    stage, chain = f"rebuild_calls_{suffix}", f"rebuild_chain_{suffix}"
    columnar: ColumnarStage | None = None
    try:
        staged = Staged()
        if isinstance(source, CallFactSource):
            # The CSV of call facts when the server offers it: COPYed as it arrives, no decoding here.
            try:
                columnar = await stage_call_fact_csv(engine, source, staged, suffix, progress, settings.rebuild_page_size)
            except ColumnarUnsuitable as exc:
                log.warning("rebuild_csv_unsuitable", reason=str(exc))
                staged = Staged()
        if columnar is not None:
            stage = columnar.facts
        else:
            async with engine.begin() as conn:
                await conn.execute(text(f"CREATE UNLOGGED TABLE reporting.{stage} ({FACT_DDL})"))
            staged = await _stage(engine, source, stage, progress)
        log.info("rebuild_staged", events=staged.events, calls=staged.calls, others=len(staged.others),
                 layout="csv" if columnar is not None else "ndjson")
        async with sessionmaker() as session, session.begin():
            tables = ", ".join(f"reporting.{name}" for name in REBUILDABLE_TABLES)
            await session.execute(text(f"TRUNCATE {tables}"))
            began = time.perf_counter()
            applied = await apply_events(session, staged.others, ApplyContext(live=False, settings=settings))
            log.info("rebuild_step", step="other_events", events=len(staged.others),
                     seconds=round(time.perf_counter() - began, 2))
            if staged.unhandled:
                await session.execute(_mark_processed(staged.unhandled))
            await fold_calls(session, stage, chain, staged.imports, staged.invalid_calls, staged.edited)
            await session.execute(text(f"DROP TABLE reporting.{chain}"))
        began = time.perf_counter()
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            # Statistics for the planner, and the rollups' visibility map and hint bits set now, so
            # KPI reads right after a rebuild are index-only scans rather than paying for the load.
            await conn.execute(text("VACUUM (ANALYZE) reporting.call_daily_rollups"))
            await conn.execute(text("ANALYZE reporting.call_states"))
        log.info("rebuild_step", step="vacuum_analyze", seconds=round(time.perf_counter() - began, 2))
        await progress.report(applied + len(staged.unhandled) + staged.calls, staged.pages, staged.cursor, force=True)
    finally:
        if columnar is not None:
            await drop_columnar(engine, columnar)
        async with engine.begin() as conn:
            await conn.execute(text(f"DROP TABLE IF EXISTS reporting.rebuild_calls_{suffix}, reporting.{chain}"))


async def replay_rebuild(sessionmaker: async_sessionmaker[AsyncSession], settings: ReportingSettings,
                         source: ExportSource, progress: Progress) -> None:
    """Empty the read models and apply the export page by page through the live projections."""
    ctx = ApplyContext(live=False, settings=settings)
    async with sessionmaker() as session, session.begin():
        tables = ", ".join(f"reporting.{name}" for name in REBUILDABLE_TABLES)
        await session.execute(text(f"TRUNCATE {tables}"))
    applied = pages_read = 0
    cursor: str | None = None
    async with aclosing(source.pages()) as pages:
        async for page in pages:
            envelopes = [envelope_of(line, f"export page {pages_read + 1}") for line in page.items]
            async with sessionmaker() as session, session.begin():
                applied += await apply_events(session, envelopes, ctx)
            pages_read += 1
            cursor = page.next_cursor or cursor
            await progress.report(applied, pages_read, cursor, force=True)
