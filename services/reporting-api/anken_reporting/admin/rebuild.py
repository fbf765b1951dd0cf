"""Rebuild: replace the read models with what projects-api's export yields, with progress.

The work is in admin.bulk_rebuild; this module holds the job (status, progress, errors) and
the lock that keeps live event application out meanwhile.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from anken_common.logging import get_logger
from anken_reporting.admin.bulk_rebuild import IrregularExport, Progress, bulk_rebuild, replay_rebuild
from anken_reporting.admin.export_client import ExportSource, http_fetcher
from anken_reporting.admin.models import rebuild_jobs
from anken_reporting.consumers.registry import discover_projections
from anken_reporting.consumers.runner import REBUILD_LOCK_KEY
from anken_reporting.kit.models import utc_now
from anken_reporting.settings import ReportingSettings

log = get_logger("anken.reporting.rebuild")


async def create_job(sessionmaker: async_sessionmaker[AsyncSession]) -> uuid.UUID:
    job_id = uuid.uuid4()
    async with sessionmaker() as session, session.begin():
        await session.execute(sa.insert(rebuild_jobs).values(id=job_id, status="queued"))
    return job_id


async def get_job(session: AsyncSession, job_id: uuid.UUID) -> sa.RowMapping | None:
    return (await session.execute(sa.select(rebuild_jobs).where(rebuild_jobs.c.id == job_id))).mappings().first()


async def running_job(session: AsyncSession) -> sa.RowMapping | None:
    query = (
        sa.select(rebuild_jobs)
        .where(rebuild_jobs.c.status.in_(("queued", "running")))
        .order_by(rebuild_jobs.c.started_at.desc())
        .limit(1)
    )
    return (await session.execute(query)).mappings().first()


async def _set_status(
    sessionmaker: async_sessionmaker[AsyncSession], job_id: uuid.UUID, status: str, error: str | None = None,
) -> None:
    async with sessionmaker() as session, session.begin():
        finished = utc_now() if status in ("succeeded", "failed") else None
        await session.execute(
            sa.update(rebuild_jobs)
            .where(rebuild_jobs.c.id == job_id)
            .values(status=status, error=error, finished_at=finished)
        )


async def run_rebuild(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], settings: ReportingSettings,
    job_id: uuid.UUID, fetch: ExportSource | None = None,
) -> bool:
    """Run job `job_id` to the end; True on success. Live event application waits meanwhile."""
    discover_projections()
    source = fetch or http_fetcher(settings)
    async with engine.connect() as lock_conn:
        # Exclusive: waits for in-flight live batches (they hold it shared) and holds new ones back;
        # a second rebuild simply runs after this one.
        await lock_conn.execute(sa.select(sa.func.pg_advisory_lock(REBUILD_LOCK_KEY)))
        await lock_conn.commit()
        try:
            await _set_status(sessionmaker, job_id, "running")
            progress = Progress(sessionmaker, job_id)
            try:
                await bulk_rebuild(engine, sessionmaker, settings, source, progress)
            except IrregularExport as exc:
                log.warning("rebuild_replaying_event_by_event", job_id=str(job_id), reason=str(exc))
                await replay_rebuild(sessionmaker, settings, source, progress)
            await _set_status(sessionmaker, job_id, "succeeded")
            return True
        except Exception as exc:
            log.exception("rebuild_failed", job_id=str(job_id))
            await _set_status(sessionmaker, job_id, "failed", f"{type(exc).__name__}: {exc}"[:1000])
            return False
        finally:
            await lock_conn.execute(sa.select(sa.func.pg_advisory_unlock(REBUILD_LOCK_KEY)))
            await lock_conn.commit()


async def rebuild_from_cli(settings: ReportingSettings) -> bool:
    """`anken-reporting rebuild`: run a rebuild in this process and print its progress."""
    from anken_reporting.db import Resources

    resources = Resources(settings)
    try:
        job_id = await create_job(resources.sessionmaker)
        print(f"rebuild {job_id}: replaying {settings.projects_api_url}/v1/events", flush=True)
        ok = await run_rebuild(resources.engine, resources.sessionmaker, settings, job_id)
        async with resources.sessionmaker() as session:
            job = await get_job(session, job_id)
        if job is None:  # the job row is written before the rebuild starts; a wiped database loses it
            print(f"rebuild {job_id}: the job's record is gone", flush=True)
            return False
        print(f"rebuild {job_id}: {job['status']}, {job['events_applied']} events in {job['pages']} pages"
              + (f" — {job['error']}" if job["error"] else ""), flush=True)
        return ok
    finally:
        await resources.close()
