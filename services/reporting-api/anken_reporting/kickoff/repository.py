"""Queries of the kickoff checklist."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_reporting.kickoff.models import KickoffItem


async def project_items(session: AsyncSession, project_id: uuid.UUID) -> list[KickoffItem]:
    return list((await session.execute(
        select(KickoffItem)
        .where(col(KickoffItem.project_id) == project_id)
        .order_by(col(KickoffItem.label), col(KickoffItem.key))
    )).scalars())
