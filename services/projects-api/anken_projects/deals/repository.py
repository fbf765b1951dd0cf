"""Every query on pipelines, stages, deals and deal changes."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped
from sqlmodel import col

from anken_projects.api_keys.models import ApiKey
from anken_projects.clients.models import Client
from anken_projects.deals.models import Deal, DealChange, Pipeline, Stage
from anken_projects.kit.pagination import PageResult, paginate
from anken_projects.users.models import User


async def get_pipeline(session: AsyncSession, pipeline_id: uuid.UUID) -> Pipeline | None:
    return await session.get(Pipeline, pipeline_id)


async def get_default_pipeline(session: AsyncSession) -> Pipeline | None:
    return (await session.execute(sa.select(Pipeline).where(col(Pipeline.is_default)))).scalar_one_or_none()


async def list_pipelines(session: AsyncSession) -> list[Pipeline]:
    statement = sa.select(Pipeline).order_by(col(Pipeline.is_default).desc(), col(Pipeline.created_at), col(Pipeline.id))
    return list((await session.execute(statement)).scalars())


async def stages_of(session: AsyncSession, pipeline_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Stage]]:
    """The stages of each pipeline, in position order."""
    out: dict[uuid.UUID, list[Stage]] = {pid: [] for pid in pipeline_ids}
    if not pipeline_ids:
        return out
    statement = sa.select(Stage).where(col(Stage.pipeline_id).in_(list(pipeline_ids))).order_by(col(Stage.pipeline_id), col(Stage.position))
    for stage in (await session.execute(statement)).scalars():
        out[stage.pipeline_id].append(stage)
    return out


async def get_stage(session: AsyncSession, stage_id: uuid.UUID) -> Stage | None:
    return await session.get(Stage, stage_id)


async def get_stages(session: AsyncSession, stage_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Stage]:
    if not stage_ids:
        return {}
    rows = (await session.execute(sa.select(Stage).where(col(Stage.id).in_(list(set(stage_ids)))))).scalars()
    return {stage.id: stage for stage in rows}


async def stage_ids_in_use(session: AsyncSession, stage_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    if not stage_ids:
        return set()
    statement = sa.select(col(Deal.stage_id)).where(col(Deal.stage_id).in_(list(stage_ids))).distinct()
    return set((await session.execute(statement)).scalars())


async def get_deal(session: AsyncSession, deal_id: uuid.UUID, *, for_update: bool = False) -> Deal | None:
    statement = sa.select(Deal).where(col(Deal.id) == deal_id)
    if for_update:
        statement = statement.with_for_update()
    return (await session.execute(statement)).scalar_one_or_none()


@dataclass(frozen=True)
class DealFilters:
    owner_id: uuid.UUID | None = None
    pipeline_id: uuid.UUID | None = None
    stage_id: uuid.UUID | None = None
    status: str | None = None
    forecast_category: str | None = None
    lead_source: str | None = None
    client_id: uuid.UUID | None = None
    close_from: date | None = None
    close_to: date | None = None


async def list_deals(session: AsyncSession, filters: DealFilters, *, cursor: str | None, limit: int) -> PageResult[Deal]:
    statement = sa.select(Deal)
    for column, value in (
        (col(Deal.owner_id), filters.owner_id), (col(Deal.pipeline_id), filters.pipeline_id), (col(Deal.stage_id), filters.stage_id),
        (col(Deal.status), filters.status), (col(Deal.forecast_category), filters.forecast_category),
        (col(Deal.lead_source), filters.lead_source), (col(Deal.client_id), filters.client_id),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if filters.close_from is not None:
        statement = statement.where(col(Deal.expected_close_date) >= filters.close_from)
    if filters.close_to is not None:
        statement = statement.where(col(Deal.expected_close_date) < filters.close_to)
    return await paginate(session, statement, (col(Deal.created_at), col(Deal.id)), cursor=cursor, limit=limit)


async def list_changes(session: AsyncSession, deal_id: uuid.UUID, *, cursor: str | None, limit: int) -> PageResult[DealChange]:
    statement = sa.select(DealChange).where(col(DealChange.deal_id) == deal_id)
    return await paginate(session, statement, (col(DealChange.id),), cursor=cursor, limit=limit)


def _as_uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


async def names_for_history(session: AsyncSession, changes: Sequence[DealChange]) -> dict[str, str]:
    """Names the history mentions by id: the people who made the changes (users, API keys), and the
    owners and pipelines a change moved between — one query per kind, keyed by the id as text."""
    user_ids: set[uuid.UUID] = set()
    key_ids: set[uuid.UUID] = set()
    pipeline_ids: set[uuid.UUID] = set()
    for change in changes:
        actor = _as_uuid(change.actor_id) if change.actor_id else None
        if actor is not None:
            (key_ids if change.actor_type == "api_key" else user_ids).add(actor)
        ids = {_as_uuid(v) for v in (change.old_value, change.new_value) if v is not None} - {None}
        if change.field == "owner_id":
            user_ids |= ids  # type: ignore[arg-type]
        elif change.field == "pipeline_id":
            pipeline_ids |= ids  # type: ignore[arg-type]
    names: dict[str, str] = {}
    lookups: tuple[tuple[Mapped[Any], Mapped[Any], set[uuid.UUID]], ...] = (
        (col(User.id), col(User.name), user_ids), (col(ApiKey.id), col(ApiKey.name), key_ids),
        (col(Pipeline.id), col(Pipeline.name), pipeline_ids))
    for id_column, name_column, wanted in lookups:
        if wanted:
            rows = await session.execute(sa.select(id_column, name_column).where(id_column.in_(list(wanted))))
            names |= {str(row_id): name for row_id, name in rows.all()}
    return names


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User | None:
    return await session.get(User, user_id)


async def client_exists(session: AsyncSession, client_id: uuid.UUID) -> bool:
    return await session.get(Client, client_id) is not None
