"""The import job row, written on its own short transactions so progress is visible while the
import's own transaction (all-or-nothing) is still open."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from anken_projects.kit.models import utc_now
from anken_projects.targets.models import ImportStatus, TargetImport

TABLE = TargetImport.__table__


async def start_job(engine: AsyncEngine, values: dict[str, Any]) -> uuid.UUID:
    job_id = uuid.uuid4()
    async with engine.begin() as conn:
        await conn.execute(sa.insert(TABLE).values(id=job_id, status=ImportStatus.running, created_at=utc_now(), **values))
    return job_id


async def report_progress(engine: AsyncEngine, job_id: uuid.UUID, **counts: int) -> None:
    async with engine.begin() as conn:
        await conn.execute(sa.update(TABLE).where(TABLE.c.id == job_id).values(**counts))


async def finish_job_outside(engine: AsyncEngine, job_id: uuid.UUID, status: ImportStatus, **values: Any) -> None:
    """Record the outcome on a separate transaction: used when the import's own transaction rolls back."""
    async with engine.begin() as conn:
        await conn.execute(
            sa.update(TABLE).where(TABLE.c.id == job_id).values(status=status, finished_at=utc_now(), **values)
        )
