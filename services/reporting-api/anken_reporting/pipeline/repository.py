"""Every query of the deals read model."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_reporting.kit.models import utc_now
from anken_reporting.pipeline.analytics import (
    CloseDateChange,
    DealView,
    QuotaView,
    StageDef,
    StageVisit,
    stage_visits_from_history,
)
from anken_reporting.pipeline.models import (
    PipelineDeal,
    PipelineDealHistory,
    PipelineOwnerTeam,
    PipelineQuota,
    PipelineStage,
)


def _view(row: PipelineDeal) -> DealView:
    return DealView(
        id=row.id, owner_id=row.owner_id, amount=row.amount, probability=row.probability, status=row.status,
        forecast_category=row.forecast_category, stage_id=row.stage_id, created_at=row.created_at,
        stage_entered_at=row.stage_entered_at, expected_close_date=row.expected_close_date,
        closed_at=row.closed_at, lead_source=row.lead_source, name=row.name, account_name=row.account_name,
    )


async def deals(session: AsyncSession, owner_ids: Sequence[uuid.UUID] | None = None) -> list[DealView]:
    """Deals of the given owners (all when None): open ones plus any closed, for period filtering."""
    statement = select(PipelineDeal)
    if owner_ids is not None:
        statement = statement.where(col(PipelineDeal.owner_id).in_(list(owner_ids)))
    statement = statement.order_by(col(PipelineDeal.created_at), col(PipelineDeal.id))
    rows = (await session.execute(statement)).scalars()
    return [_view(row) for row in rows]


async def relevant_deals(
    session: AsyncSession, owner_ids: Sequence[uuid.UUID] | None, since: datetime,
    pipeline_id: uuid.UUID | None = None,
) -> list[DealView]:
    """Open deals, and closed deals closed at or after `since` (older ones cannot fall in the period);
    of one pipeline when `pipeline_id` is given."""
    statement = select(PipelineDeal).where(
        or_(col(PipelineDeal.status) == "open", col(PipelineDeal.closed_at) >= since)
    )
    if owner_ids is not None:
        statement = statement.where(col(PipelineDeal.owner_id).in_(list(owner_ids)))
    if pipeline_id is not None:
        statement = statement.where(col(PipelineDeal.pipeline_id) == pipeline_id)
    statement = statement.order_by(col(PipelineDeal.created_at), col(PipelineDeal.id))
    rows = (await session.execute(statement)).scalars()
    return [_view(row) for row in rows]


async def stages(session: AsyncSession) -> list[StageDef]:
    rows = (await session.execute(select(PipelineStage).order_by(col(PipelineStage.position)))).scalars()
    return [
        StageDef(r.id, r.name, r.position, r.probability, r.aging_limit_days, r.is_won, r.is_lost,
                 r.pipeline_id, r.pipeline_name)
        for r in rows
    ]


async def stage_visits(session: AsyncSession, deal_ids: Sequence[uuid.UUID]) -> list[StageVisit]:
    if not deal_ids:
        return []
    rows = (await session.execute(
        select(
            col(PipelineDealHistory.deal_id), col(PipelineDealHistory.changed_at),
            col(PipelineDealHistory.new_value),
        )
        .where(col(PipelineDealHistory.deal_id).in_(list(deal_ids)), col(PipelineDealHistory.field) == "stage_id")
        .order_by(
            col(PipelineDealHistory.deal_id), col(PipelineDealHistory.changed_at), col(PipelineDealHistory.id)
        )
    )).all()
    per_deal: dict[uuid.UUID, list[tuple[datetime, uuid.UUID]]] = {}
    for deal_id, changed_at, new_value in rows:
        if new_value:
            per_deal.setdefault(deal_id, []).append((changed_at, uuid.UUID(new_value)))
    visits: list[StageVisit] = []
    for deal_id, changes in per_deal.items():
        visits.extend(stage_visits_from_history(deal_id, changes))
    return visits


async def close_date_changes(session: AsyncSession, deal_ids: Sequence[uuid.UUID]) -> list[CloseDateChange]:
    if not deal_ids:
        return []
    rows = (await session.execute(
        select(PipelineDealHistory)
        .where(
            col(PipelineDealHistory.deal_id).in_(list(deal_ids)),
            col(PipelineDealHistory.field) == "expected_close_date",
        )
        .order_by(col(PipelineDealHistory.changed_at), col(PipelineDealHistory.id))
    )).scalars()
    return [
        CloseDateChange(r.deal_id, r.changed_at, _date(r.old_value), _date(r.new_value)) for r in rows
    ]


async def quotas(session: AsyncSession, owner_ids: Sequence[uuid.UUID] | None = None) -> list[QuotaView]:
    statement = select(PipelineQuota)
    if owner_ids is not None:
        statement = statement.where(col(PipelineQuota.owner_id).in_(list(owner_ids)))
    rows = (await session.execute(statement)).scalars()
    return [QuotaView(r.owner_id, r.period_start, r.period_end, r.amount, r.id) for r in rows]


async def owner_ids(session: AsyncSession) -> list[uuid.UUID]:
    """Every owner that has a deal or a quota."""
    deal_owners = select(col(PipelineDeal.owner_id))
    quota_owners = select(col(PipelineQuota.owner_id))
    rows = (await session.execute(deal_owners.union(quota_owners))).scalars()
    return sorted(set(rows), key=str)


async def teams(session: AsyncSession) -> dict[uuid.UUID, str]:
    rows = (await session.execute(select(col(PipelineOwnerTeam.owner_id), col(PipelineOwnerTeam.team)))).all()
    return {owner_id: team for owner_id, team in rows}


async def set_team(session: AsyncSession, owner_id: uuid.UUID, team: str) -> None:
    values = {"owner_id": owner_id, "team": team, "updated_at": utc_now()}
    await session.execute(
        insert(PipelineOwnerTeam).values(values).on_conflict_do_update(index_elements=["owner_id"], set_=values)
    )


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None
