"""The import job row and the jobs this process runs.

The row is written on its own short transactions (start, progress, finish), so progress is
visible while a job runs and no transaction stays open while a file is parsed. A cancel is a
status change on the row, so it reaches the job whichever process runs it: the job reads its
status back with every progress report. This process also keeps its own running jobs, to stop
one at once when the cancel arrives here.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from anken_projects.kit.models import table_of, utc_now
from anken_projects.targets.import_limits import JobControl
from anken_projects.targets.models import ImportStatus, TargetImport

TABLE = table_of(TargetImport)
# A job row still "running" this long after its wall time belongs to a process that ended.
STALE_GRACE = timedelta(seconds=60)
STALE_REASON = "the import stopped without finishing (its process ended); upload the file again"
SERVICE_STOPPED_REASON = "the service stopped while the import ran; upload the file again"

_running: dict[uuid.UUID, tuple[asyncio.Task[None], JobControl]] = {}


def file_error(reason: str, code: str, params: dict[str, Any] | None = None, *, field: str = "file") -> dict[str, Any]:
    """How a file-level failure (not one row's) is stored among a job's errors: no row, field `file`
    (or `mapping`), the rule's `code` and its `params` for clients that word it themselves."""
    return {"row": None, "field": field, "message": reason, "code": code, "column": None, "params": params or {}}


# A job that has not finished: waiting for a slot, or running.
UNFINISHED = (ImportStatus.queued, ImportStatus.running)


async def start_job(engine: AsyncEngine, job_id: uuid.UUID, status: ImportStatus, values: dict[str, Any]) -> None:
    async with engine.begin() as conn:
        await conn.execute(sa.insert(TABLE).values(id=job_id, status=status, created_at=utc_now(), **values))


async def mark_running(engine: AsyncEngine, job_id: uuid.UUID) -> bool:
    """A queued job got its slot; False when it was cancelled meanwhile."""
    async with engine.begin() as conn:
        return (await conn.execute(
            sa.update(TABLE).where(TABLE.c.id == job_id, TABLE.c.status == ImportStatus.queued)
            .values(status=ImportStatus.running).returning(TABLE.c.id)
        )).scalar_one_or_none() is not None


async def job_status(engine: AsyncEngine, job_id: uuid.UUID) -> str | None:
    async with engine.connect() as conn:
        status: str | None = (await conn.execute(
            sa.select(TABLE.c.status).where(TABLE.c.id == job_id))).scalar_one_or_none()
        return status


async def report_progress(engine: AsyncEngine, job_id: uuid.UUID, **counts: Any) -> str | None:
    """Write the job's counts; returns its status, so a cancel made anywhere is seen here."""
    async with engine.begin() as conn:
        status: str | None = (await conn.execute(
            sa.update(TABLE).where(TABLE.c.id == job_id).values(**counts).returning(TABLE.c.status)
        )).scalar_one_or_none()
        return status


async def finish_job_outside(engine: AsyncEngine, job_id: uuid.UUID, status: ImportStatus, **values: Any) -> None:
    """Record the outcome of a job that is still running (a cancelled job keeps its status)."""
    async with engine.begin() as conn:
        await conn.execute(
            sa.update(TABLE).where(TABLE.c.id == job_id, TABLE.c.status.in_(UNFINISHED))
            .values(status=status, finished_at=utc_now(), **values)
        )


def register(job_id: uuid.UUID, task: asyncio.Task[None], control: JobControl) -> None:
    _running[job_id] = (task, control)
    task.add_done_callback(lambda _: _running.pop(job_id, None))


def stop_local(job_id: uuid.UUID, reason: str) -> None:
    """Stop the job at its next row if this process runs it."""
    entry = _running.get(job_id)
    if entry is not None:
        entry[1].cancel(reason)


async def cancel_job(engine: AsyncEngine, job_id: uuid.UUID, reason: str) -> bool:
    """Mark a queued or running job cancelled; False when it had already finished."""
    async with engine.begin() as conn:
        changed = (await conn.execute(
            sa.update(TABLE).where(TABLE.c.id == job_id, TABLE.c.status.in_(UNFINISHED))
            .values(status=ImportStatus.cancelled, finished_at=utc_now(), errors=[file_error(reason, "cancelled")])
            .returning(TABLE.c.id)
        )).scalar_one_or_none()
    stop_local(job_id, reason)
    return changed is not None


async def expire_if_stale(engine: AsyncEngine, job: TargetImport, wall_time_s: float) -> bool:
    """A job left queued or running by a process that died is failed, never shown running forever.

    The wall time counts from the upload, queued time included, so `created_at` is enough.
    """
    if job.status not in UNFINISHED or job.id in _running:
        return False
    if job.created_at + timedelta(seconds=wall_time_s) + STALE_GRACE > utc_now():
        return False
    await finish_job_outside(engine, job.id, ImportStatus.failed, errors=[file_error(STALE_REASON, "stopped")])
    return True


async def stop_all() -> None:
    """Cancel this process's jobs (at shutdown): each records itself as cancelled."""
    tasks = [task for task, _ in _running.values()]
    for _, control in _running.values():
        control.cancel(SERVICE_STOPPED_REASON)
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)
