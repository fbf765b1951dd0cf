"""Importing a CSV/XLSX file into a target list: a background job that parses, dedupes, then writes.

The request only copies the upload (import_upload: within the byte cap, 413 above): nothing of
the file is parsed before the job exists, so a cancel and the wall time cover all of it. The job then:

0. waits `queued` while this process already runs IMPORT_MAX_CONCURRENT imports (import_capacity);
1. opens the file (an XLSX's archive, styles and shared strings; a CSV's row count), reads its
   header, resolves the columns and parses every row in a thread of the imports' own pool,
   within the row/column/shared-string caps, checking its cancel flag and wall time at each row
   and shared string, while the event loop reports progress (and learns of a cancel made by any
   process) on short transactions;
2. dedupes the valid rows within the file and against every target of the project's client;
3. unless it is a dry run or any row has an error, writes all targets, the event and the audit
   entry in one short transaction: a commit is all or nothing.

No transaction is open while the file is parsed. A cancelled job, or one past its wall time,
writes nothing and ends `cancelled` or `failed` with its reason.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlmodel import col

from anken_common.event_payloads import TargetListImportedPayload
from anken_common.events import EventType
from anken_common.logging import get_logger
from anken_projects.audit.writer import record_audit
from anken_projects.auth.principal import Principal
from anken_projects.db import Resources
from anken_projects.dnc.repository import dnc_keys
from anken_projects.kit.models import utc_now
from anken_projects.outbox.writer import record_event
from anken_projects.settings import ProjectsSettings
from anken_projects.targets import import_jobs
from anken_projects.targets.dedupe import Identity, SeenCompanies
from anken_projects.targets.import_capacity import gate, parse_executor
from anken_projects.targets.import_columns import MappingError, resolve_columns
from anken_projects.targets.import_limits import ImportLimits, ImportStopped, JobControl
from anken_projects.targets.import_readers import TableReader, UnreadableFile
from anken_projects.targets.import_rows import RowError, TargetRow, parse_row
from anken_projects.targets.import_upload import CopiedUpload
from anken_projects.targets.models import ImportStatus, Target, TargetImport, TargetStatus

log = get_logger("anken.target_import")
BATCH_ROWS = 2000
REPORT_LIMIT = 1000
PROGRESS_INTERVAL_S = 0.2
# A queued job looks for a free slot this often, and reads its status (a cancel made by another
# process) every QUEUE_STATUS_EVERY looks.
QUEUE_POLL_S = 0.1
QUEUE_STATUS_EVERY = 5
TARGET_COPY_COLUMNS = (
    "id", "target_list_id", "project_id", "client_id", "company_name", "company_name_key", "industry", "size",
    "region", "phone", "corporate_number", "contact_name", "note", "priority_tier", "status", "created_at", "updated_at",
)


def import_limits(settings: ProjectsSettings) -> ImportLimits:
    return ImportLimits(max_rows=settings.import_max_rows, max_bytes=settings.import_max_bytes,
                        max_columns=settings.import_max_columns, wall_time_s=settings.import_wall_time_s,
                        max_shared_strings=settings.import_max_shared_strings,
                        max_shared_strings_bytes=settings.import_max_shared_strings_bytes,
                        max_shared_string_chars=settings.import_max_shared_string_chars)


@dataclass(frozen=True)
class ImportScope:
    """The list being imported into, read on the request's short access check."""

    target_list_id: uuid.UUID
    project_id: uuid.UUID
    client_id: uuid.UUID
    list_name: str


@dataclass
class ImportTally:
    processed: int = 0
    accepted: int = 0
    created: int = 0
    duplicate_count: int = 0
    error_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[dict[str, Any]] = field(default_factory=list)

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < REPORT_LIMIT:
            self.errors.append(error.as_report())

    def add_duplicate(self, row: int, reason: str, ref: tuple[str, Any]) -> None:
        self.duplicate_count += 1
        if len(self.duplicates) < REPORT_LIMIT:
            kind, value = ref
            self.duplicates.append({
                "row": row, "reason": reason,
                "duplicate_of_row": value if kind == "row" else None,
                "existing_target_id": str(value) if kind == "target" else None,
            })

    def counts(self) -> dict[str, Any]:
        return {
            "rows_processed": self.processed, "accepted_count": self.accepted, "created_count": self.created,
            "duplicate_count": self.duplicate_count, "error_count": self.error_count,
        }


# One join per key (not IN/ANY lists): each side can use its (client_id, key) index, or hash the
# batch's keys, so the cost stays linear while the client's lists grow.
EXISTING_BY_KEYS = sa.text("""
    SELECT t.id, t.corporate_number, t.phone, t.company_name_key
    FROM unnest(CAST(:numbers AS text[])) AS k(v) JOIN projects.targets t
      ON t.client_id = :client_id AND t.corporate_number = k.v
    UNION
    SELECT t.id, t.corporate_number, t.phone, t.company_name_key
    FROM unnest(CAST(:phones AS text[])) AS k(v) JOIN projects.targets t ON t.client_id = :client_id AND t.phone = k.v
    UNION
    SELECT t.id, t.corporate_number, t.phone, t.company_name_key
    FROM unnest(CAST(:names AS text[])) AS k(v) JOIN projects.targets t
      ON t.client_id = :client_id AND t.company_name_key = k.v
""")


async def start_import(
    resources: Resources, principal: Principal, scope: ImportScope, upload: CopiedUpload, filename: str | None,
    *, dry_run: bool,
) -> tuple[uuid.UUID, asyncio.Task[None]]:
    """Create the job row (running, or queued behind this process's running imports) and start the
    job; it owns `upload` from here on."""
    job_id = uuid.uuid4()
    runs_now = gate.arrive(job_id, resources.settings.import_max_concurrent)
    try:
        await import_jobs.start_job(resources.engine, job_id, ImportStatus.running if runs_now else ImportStatus.queued, {
            "target_list_id": scope.target_list_id, "project_id": scope.project_id, "client_id": scope.client_id,
            "filename": (filename or "").replace("\x00", "")[:255] or None, "file_kind": upload.kind,
            "encoding": None, "dry_run": dry_run, "rows_total": None, "created_by": str(principal.id)[:64],
        })
    except BaseException:
        gate.leave(job_id)
        upload.close()
        raise
    control = JobControl(wall_time_s=upload.limits.wall_time_s)
    task = asyncio.create_task(_run_job(resources, principal, scope, upload, job_id, control, dry_run=dry_run,
                                        queued=not runs_now), name=f"target-import-{job_id}")
    import_jobs.register(job_id, task, control)
    return job_id, task


async def _wait_for_slot(resources: Resources, job_id: uuid.UUID, control: JobControl) -> None:
    """Wait `queued` for a slot, first come first served; a cancel or the wall time ends the wait."""
    looks = 0
    while not gate.try_enter(job_id, resources.settings.import_max_concurrent):
        control.checkpoint()
        await asyncio.sleep(QUEUE_POLL_S)
        looks += 1
        if looks % QUEUE_STATUS_EVERY == 0 and \
                await import_jobs.job_status(resources.engine, job_id) != ImportStatus.queued:
            control.cancel()
    control.checkpoint()
    if not await import_jobs.mark_running(resources.engine, job_id):
        raise ImportStopped("cancelled", control.cancel_reason)


def _parse_all(upload: CopiedUpload, control: JobControl) -> list[TargetRow]:
    """The parsing thread: the file opened (header, shared strings, CSV row count), the columns
    resolved and every data row parsed; the cancel flag and deadline are checked all along."""
    parsed: list[TargetRow] = []
    try:
        reader = TableReader(upload.spool, upload.filename, upload.limits, control.checkpoint)
        try:
            control.encoding, control.rows_total = reader.encoding, reader.total_rows
            columns = resolve_columns(reader.headers, upload.mapping)
            for number, cells in reader.rows():
                control.checkpoint()
                parsed.append(parse_row(number, cells, columns, reader.headers))
                control.rows_read += 1
            control.checkpoint()
        finally:
            reader.close()
    finally:
        upload.close()
    return parsed


def _learnt(control: JobControl) -> dict[str, Any]:
    """What the parsing thread has learnt of the file so far, for the job row."""
    found: dict[str, Any] = {"rows_processed": control.rows_read}
    if control.encoding is not None:
        found["encoding"] = control.encoding
    if control.rows_total is not None:
        found["rows_total"] = control.rows_total
    return found


async def _parse_with_progress(resources: Resources, job_id: uuid.UUID, upload: CopiedUpload,
                               control: JobControl) -> list[TargetRow]:
    engine = resources.engine
    # The imports' own pool: password hashing on the default executor never waits behind a file.
    work = functools.partial(contextvars.copy_context().run, _parse_all, upload, control)
    executor = parse_executor(resources.settings.import_parse_threads)
    parsing = asyncio.ensure_future(asyncio.get_running_loop().run_in_executor(executor, work))
    # When this job is cancelled while the thread runs, the thread's own ending is not awaited.
    parsing.add_done_callback(lambda done: done.cancelled() or done.exception())
    try:
        while not parsing.done():
            await asyncio.wait({parsing}, timeout=PROGRESS_INTERVAL_S)
            if parsing.done():
                break
            status = await import_jobs.report_progress(engine, job_id, **_learnt(control))
            if status != ImportStatus.running:
                control.cancel()
    except BaseException:
        # The thread stops at its next row or shared string; the file is closed by the thread itself.
        control.cancel()
        raise
    return parsing.result()


async def _checkpoint(engine: AsyncEngine, job_id: uuid.UUID, control: JobControl, tally: ImportTally) -> None:
    status = await import_jobs.report_progress(engine, job_id, duplicate_count=tally.duplicate_count,
                                               error_count=tally.error_count)
    if status != ImportStatus.running:
        control.cancel()
    control.checkpoint()


async def _existing_companies(session: AsyncSession, client_id: uuid.UUID, batch: list[TargetRow]) -> SeenCompanies:
    """Targets of the client sharing a key with any row of the batch."""
    numbers = [r.corporate_number for r in batch if r.corporate_number]
    phones = [r.phone for r in batch if r.phone]
    names = [r.name_key for r in batch if r.name_key]
    seen = SeenCompanies()
    if not (numbers or phones or names):
        return seen
    rows = await session.execute(EXISTING_BY_KEYS, {
        "client_id": client_id, "numbers": numbers, "phones": phones, "names": names,
    })
    for row in rows:
        seen.add(Identity(row.corporate_number, row.phone, row.company_name_key), ("target", row.id))
    return seen


async def _dedupe(resources: Resources, scope: ImportScope, job_id: uuid.UUID, parsed: list[TargetRow],
                  control: JobControl, tally: ImportTally) -> list[TargetRow]:
    """The rows to add: valid, and not already in the file or in any list of the client."""
    in_file = SeenCompanies()
    accepted: list[TargetRow] = []
    tally.processed = len(parsed)
    await import_jobs.report_progress(resources.engine, job_id,
                                      **{**_learnt(control), "rows_processed": len(parsed), "rows_total": len(parsed)})
    for start in range(0, len(parsed), BATCH_ROWS):
        batch = parsed[start:start + BATCH_ROWS]
        valid = [row for row in batch if not row.errors]
        for row in batch:
            for error in row.errors:
                tally.add_error(error)
        async with resources.sessionmaker() as session:
            existing = await _existing_companies(session, scope.client_id, valid)
        for row in valid:
            identity = Identity(row.corporate_number, row.phone, row.name_key)
            match = in_file.match(identity) or existing.match(identity)
            if match:
                reason, ref = match
                tally.add_duplicate(row.row, reason.value, ref)  # type: ignore[arg-type]
                continue
            in_file.add(identity, ("row", row.row))
            accepted.append(row)
        await _checkpoint(resources.engine, job_id, control, tally)
    tally.accepted = len(accepted)
    return accepted


async def _copy_targets(
    session: AsyncSession, scope: ImportScope, rows: list[TargetRow], dnc: tuple[set[str], set[str]]
) -> None:
    numbers, phones = dnc
    now = utc_now()
    records = [
        (
            uuid.uuid4(), scope.target_list_id, scope.project_id, scope.client_id, r.company_name, r.name_key,
            r.industry, r.size, r.region, r.phone, r.corporate_number, r.contact_name, r.note, r.priority_tier,
            TargetStatus.dnc.value if (r.corporate_number in numbers or r.phone in phones) else TargetStatus.new.value,
            now, now,
        )
        for r in rows
    ]
    connection = await session.connection()
    driver = (await connection.get_raw_connection()).driver_connection
    if driver is None:  # only a connection already closed has none
        raise RuntimeError("the database connection is closed")
    await driver.copy_records_to_table(
        "targets", schema_name="projects", columns=TARGET_COPY_COLUMNS, records=records
    )


async def _finish(resources: Resources, principal: Principal, scope: ImportScope, job_id: uuid.UUID,
                  accepted: list[TargetRow], tally: ImportTally, *, dry_run: bool) -> None:
    """One short transaction: the targets (unless a dry run), the event, the audit entry and the job's outcome.

    The job row is locked first: a cancel that won the race leaves it not running, and nothing is written.
    """
    async with resources.sessionmaker() as session, session.begin():
        job = await session.get(TargetImport, job_id, with_for_update=True)
        if job is None or job.status != ImportStatus.running:
            raise ImportStopped("cancelled", "the import was cancelled")
        if not dry_run:
            for start in range(0, len(accepted), BATCH_ROWS):
                chunk = accepted[start:start + BATCH_ROWS]
                dnc = await dnc_keys(session, scope.client_id,
                                     (r.corporate_number for r in chunk if r.corporate_number),
                                     (r.phone for r in chunk if r.phone))
                await _copy_targets(session, scope, chunk, dnc)
            tally.created = len(accepted)
        for key, value in tally.counts().items():
            setattr(job, key, value)
        job.errors, job.duplicates = tally.errors, tally.duplicates
        job.status, job.finished_at = ImportStatus.succeeded, utc_now()
        if not dry_run:
            await _record_imported(session, principal, scope, job)


async def _run_job(resources: Resources, principal: Principal, scope: ImportScope, upload: CopiedUpload,
                   job_id: uuid.UUID, control: JobControl, *, dry_run: bool, queued: bool) -> None:
    """The job's task: every ending is recorded on the job row; it never stays queued or running."""
    engine = resources.engine
    tally = ImportTally()
    handed_over = False  # once the parsing thread has the upload, the thread closes it
    try:
        if queued:
            await _wait_for_slot(resources, job_id, control)
        handed_over = True
        parsed = await _parse_with_progress(resources, job_id, upload, control)
        accepted = await _dedupe(resources, scope, job_id, parsed, control, tally)
        if tally.error_count and not dry_run:
            # All or nothing: one bad row and nothing is written.
            await import_jobs.finish_job_outside(engine, job_id, ImportStatus.failed, **tally.counts(),
                                                 errors=tally.errors, duplicates=tally.duplicates)
            return
        await _finish(resources, principal, scope, job_id, accepted, tally, dry_run=dry_run)
    except ImportStopped as stop:
        await import_jobs.finish_job_outside(engine, job_id, ImportStatus(stop.status),
                                             **{**tally.counts(), "created_count": 0},
                                             errors=[import_jobs.file_error(stop.reason, stop.code, stop.params)])
    except UnreadableFile as exc:
        await import_jobs.finish_job_outside(engine, job_id, ImportStatus.failed,
                                             **{**tally.counts(), "created_count": 0, "rows_processed": control.rows_read},
                                             errors=[import_jobs.file_error(str(exc), exc.code, exc.params)])
    except MappingError as exc:
        await import_jobs.finish_job_outside(engine, job_id, ImportStatus.failed,
                                             **{**tally.counts(), "created_count": 0},
                                             errors=[import_jobs.file_error(exc.message, exc.code, exc.params,
                                                                            field=exc.field)])
    except asyncio.CancelledError:
        await asyncio.shield(import_jobs.finish_job_outside(
            engine, job_id, ImportStatus.cancelled, **{**tally.counts(), "created_count": 0},
            errors=[import_jobs.file_error(control.cancel_reason, "cancelled")]))
        raise
    except Exception:
        log.exception("target_import_crashed", import_id=str(job_id))
        await import_jobs.finish_job_outside(engine, job_id, ImportStatus.failed,
                                             **{**tally.counts(), "created_count": 0},
                                             errors=[import_jobs.file_error("the import failed unexpectedly",
                                                                            "failed_unexpectedly")])
    finally:
        gate.leave(job_id)
        if not handed_over:
            upload.close()


async def _record_imported(session: AsyncSession, principal: Principal, scope: ImportScope, job: TargetImport) -> None:
    total = (await session.execute(
        sa.select(sa.func.count()).select_from(Target).where(col(Target.target_list_id) == scope.target_list_id)
    )).scalar_one()
    callable_count = (await session.execute(
        sa.select(sa.func.count()).select_from(Target).where(
            col(Target.project_id) == scope.project_id, col(Target.status).in_([TargetStatus.new, TargetStatus.callback])
        )
    )).scalar_one()
    payload = TargetListImportedPayload(
        id=scope.target_list_id, project_id=scope.project_id, client_id=scope.client_id, name=scope.list_name,
        created=job.created_count, total_targets=total, callable_targets=callable_count,
    )
    record_event(session, EventType.target_list_imported, aggregate_type="target_list",
                 aggregate_id=scope.target_list_id, tenant=scope.client_id, payload=payload.model_dump(mode="json"))
    record_audit(session, principal, "target_list.imported", "target_list", scope.target_list_id,
                 after={"import_id": job.id, "created": job.created_count, "duplicates": job.duplicate_count})
