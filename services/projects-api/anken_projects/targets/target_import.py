"""Importing a CSV/XLSX file into a target list: stream, validate, dedupe, then commit all or nothing.

Rows are read in batches (the file is never loaded whole); each batch is deduped within the
file and against every target of the project's client, and — unless it is a dry run or an
error has been found — written with COPY inside the request's transaction. Any row error
fails the whole import, so the transaction is rolled back and nothing is written.
"""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from anken_common.event_payloads import TargetListImportedPayload
from anken_common.events import EventType
from anken_common.logging import get_logger
from anken_common.problems import ProblemError, UnprocessableEntity
from anken_projects.audit.writer import record_audit
from anken_projects.auth.principal import Principal
from anken_projects.dnc.repository import dnc_keys
from anken_projects.kit.models import utc_now
from anken_projects.outbox.writer import record_event
from anken_projects.projects.models import Project
from anken_projects.targets import import_jobs
from anken_projects.targets.dedupe import Identity, SeenCompanies
from anken_projects.targets.import_columns import MappingError, TargetField, resolve_columns
from anken_projects.targets.import_readers import TableReader, UnreadableFile
from anken_projects.targets.import_rows import RowError, TargetRow, parse_row
from anken_projects.targets.models import ImportStatus, Target, TargetImport, TargetList, TargetStatus

log = get_logger("anken.target_import")
BATCH_ROWS = 2000
REPORT_LIMIT = 1000
TARGET_COPY_COLUMNS = (
    "id", "target_list_id", "project_id", "client_id", "company_name", "company_name_key", "industry", "size",
    "region", "phone", "corporate_number", "contact_name", "note", "priority_tier", "status", "created_at", "updated_at",
)


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
            self.errors.append({"row": error.row, "field": error.field, "message": error.message})

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
# batch's keys, so the cost stays linear while the client's lists grow during the import itself.
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


def _take(rows: Iterator[tuple[int, list[str]]], n: int) -> list[tuple[int, list[str]]]:
    return list(itertools.islice(rows, n))


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


async def _copy_targets(session: AsyncSession, target_list: TargetList, rows: list[TargetRow], dnc: tuple[set, set]) -> None:
    numbers, phones = dnc
    now = utc_now()
    records = [
        (
            uuid.uuid4(), target_list.id, target_list.project_id, target_list.client_id, r.company_name, r.name_key,
            r.industry, r.size, r.region, r.phone, r.corporate_number, r.contact_name, r.note, r.priority_tier,
            TargetStatus.dnc.value if (r.corporate_number in numbers or r.phone in phones) else TargetStatus.new.value,
            now, now,
        )
        for r in rows
    ]
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    await raw.driver_connection.copy_records_to_table(
        "targets", schema_name="projects", columns=TARGET_COPY_COLUMNS, records=records
    )


def _open_reader(file: IO[bytes], filename: str | None) -> TableReader:
    try:
        return TableReader(file, filename)
    except UnreadableFile as exc:
        raise UnprocessableEntity("file", str(exc)) from None


async def import_targets(
    session: AsyncSession,
    engine: AsyncEngine,
    principal: Principal,
    project: Project,
    target_list: TargetList,
    file: IO[bytes],
    filename: str | None,
    *,
    dry_run: bool,
    mapping: dict[str, str] | None,
) -> TargetImport:
    """Run one import; returns the finished job. A commit with row errors raises 422 (nothing written)."""
    reader = await asyncio.to_thread(_open_reader, file, filename)
    try:
        columns = resolve_columns(reader.headers, mapping)
    except MappingError as exc:
        reader.close()
        raise UnprocessableEntity(exc.field, exc.message) from None
    job_id = await import_jobs.start_job(engine, {
        "target_list_id": target_list.id, "project_id": project.id, "client_id": project.client_id,
        "filename": (filename or "").replace("\x00", "")[:255] or None, "file_kind": reader.kind, "encoding": reader.encoding,
        "dry_run": dry_run, "rows_total": reader.total_rows, "created_by": str(principal.id)[:64],
    })
    tally = ImportTally()
    try:
        await _process_rows(session, engine, job_id, target_list, reader, columns, tally, dry_run=dry_run)
    except BaseException:
        # Also on cancellation (the client went away): the job must not stay "running" forever.
        await asyncio.shield(import_jobs.finish_job_outside(
            engine, job_id, ImportStatus.failed, **{**tally.counts(), "created_count": 0},
            errors=tally.errors, duplicates=tally.duplicates,
        ))
        raise
    finally:
        reader.close()

    if tally.error_count and not dry_run:
        # All or nothing: the rows COPYed so far roll back with the request's transaction.
        await import_jobs.finish_job_outside(engine, job_id, ImportStatus.failed, **{**tally.counts(), "created_count": 0},
                                             errors=tally.errors, duplicates=tally.duplicates)
        raise ProblemError(
            422, "Unprocessable Content",
            f"{tally.error_count} row(s) have errors; nothing was imported. Fix them and upload again.",
            type_="https://anken.jp/problems/import-rejected", import_id=str(job_id),
            errors=tally.errors,
            duplicates=tally.duplicates,
        )

    job = await session.get(TargetImport, job_id, with_for_update=True)
    assert job is not None  # created above on its own committed transaction
    for key, value in tally.counts().items():
        setattr(job, key, value)
    job.errors, job.duplicates = tally.errors, tally.duplicates
    job.status, job.finished_at = ImportStatus.succeeded, utc_now()
    if not dry_run:
        await _record_imported(session, principal, project, target_list, job)
    return job


async def _process_rows(
    session: AsyncSession, engine: AsyncEngine, job_id: uuid.UUID, target_list: TargetList, reader: TableReader,
    columns: dict[TargetField, int], tally: ImportTally, *, dry_run: bool,
) -> None:
    in_file = SeenCompanies()
    rows = reader.rows()
    while True:
        try:
            raw_batch = await asyncio.to_thread(_take, rows, BATCH_ROWS)
        except UnreadableFile as exc:
            raise UnprocessableEntity("file", str(exc)) from None
        if not raw_batch:
            break
        parsed = [parse_row(number, cells, columns) for number, cells in raw_batch]
        valid = [row for row in parsed if not row.errors]
        for row in parsed:
            for error in row.errors:
                tally.add_error(error)
        existing = await _existing_companies(session, target_list.client_id, valid)
        accepted: list[TargetRow] = []
        for row in valid:
            identity = Identity(row.corporate_number, row.phone, row.name_key)
            match = in_file.match(identity) or existing.match(identity)
            if match:
                reason, ref = match
                tally.add_duplicate(row.row, reason.value, ref)  # type: ignore[arg-type]
                continue
            in_file.add(identity, ("row", row.row))
            accepted.append(row)
        tally.accepted += len(accepted)
        if accepted and not dry_run and not tally.error_count:
            dnc = await dnc_keys(session, target_list.client_id,
                                 (r.corporate_number for r in accepted if r.corporate_number),
                                 (r.phone for r in accepted if r.phone))
            await _copy_targets(session, target_list, accepted, dnc)
            tally.created += len(accepted)
        tally.processed += len(raw_batch)
        await import_jobs.report_progress(engine, job_id, rows_processed=tally.processed,
                                          duplicate_count=tally.duplicate_count, error_count=tally.error_count)


async def _record_imported(
    session: AsyncSession, principal: Principal, project: Project, target_list: TargetList, job: TargetImport
) -> None:
    total = (await session.execute(
        sa.select(sa.func.count()).select_from(Target).where(Target.target_list_id == target_list.id)
    )).scalar_one()
    callable_count = (await session.execute(
        sa.select(sa.func.count()).select_from(Target).where(
            Target.project_id == project.id, Target.status.in_([TargetStatus.new, TargetStatus.callback])
        )
    )).scalar_one()
    payload = TargetListImportedPayload(
        id=target_list.id, project_id=project.id, client_id=project.client_id, name=target_list.name,
        created=job.created_count, total_targets=total, callable_targets=callable_count,
    )
    record_event(session, EventType.target_list_imported, aggregate_type="target_list", aggregate_id=target_list.id,
                 tenant=project.client_id, payload=payload.model_dump(mode="json"))
    record_audit(session, principal, "target_list.imported", "target_list", target_list.id,
                 after={"import_id": job.id, "created": job.created_count, "duplicates": job.duplicate_count})
