"""Pipeline summary: loads the read model once and computes every §3 figure per slice."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession

from anken_reporting.pipeline import analytics as pa
from anken_reporting.pipeline import repository as repo
from anken_reporting.pipeline.schemas import (
    PipelineFigures,
    PipelineGroup,
    PipelineGroupBy,
    PipelineSummary,
    SlippedDeal,
    StageAgingRow,
    StageConversionRow,
)

UNASSIGNED = "unassigned"
# The aging table is for inspection: the longest-stuck deals matter, a full list does not fit a screen.
MAX_AGING_ROWS = 200


def figures(
    deals: Sequence[pa.DealView], stages: Sequence[pa.StageDef], changes: Sequence[pa.CloseDateChange],
    quotas: Sequence[pa.QuotaView] | None, period: pa.Period, as_of: date,
) -> PipelineFigures:
    """Every figure of one slice of deals. `quotas` None means the slice has no quota (e.g. a lead source)."""
    rate = pa.win_rate(deals, period)
    slipped = pa.slipped_deals(deals, changes, period)
    closing = pa.open_pipeline_closing_in(deals, period)
    quota = pa.quota_for_period(quotas, period) if quotas is not None else None
    open_deals = pa.open_deals(deals)
    return PipelineFigures(
        open_deals=len(open_deals),
        open_amount=sum(d.amount for d in open_deals),
        weighted_pipeline=pa.weighted_pipeline(deals),
        pipeline_closing_in_period=closing,
        won_count=rate.won, lost_count=rate.lost, won_amount=rate.won_amount, lost_amount=rate.lost_amount,
        win_rate_by_count=rate.by_count, win_rate_by_amount=rate.by_amount,
        average_deal_size=pa.average_deal_size(deals, period),
        sales_cycle_days=pa.sales_cycle_days(deals, period),
        slipped_count=len(slipped), slipped_amount=sum(d.amount for d in slipped),
        overdue_count=sum(1 for row in pa.stage_aging(deals, stages, as_of) if row.overdue),
        quota=quota,
        coverage=pa.coverage(closing, quota, rate.won_amount),
    )


async def summary(
    session: AsyncSession, *, owner_id: uuid.UUID | None, period: pa.Period, group_by: PipelineGroupBy | None,
    as_of: date, pipeline_id: uuid.UUID | None = None,
) -> PipelineSummary:
    owners = [owner_id] if owner_id else None
    since = datetime.combine(period.start, time.min, tzinfo=pa.DEFAULT_TZ)
    # The same deals a board of this pipeline and owner shows (GET /v1/deals?pipeline_id&owner_id&status=open),
    # plus the ones closed in the period for the rates.
    deals = await repo.relevant_deals(session, owners, since, pipeline_id)
    stages = [s for s in await repo.stages(session) if pipeline_id is None or s.pipeline_id == pipeline_id]
    deal_ids = [d.id for d in deals]
    changes = await repo.close_date_changes(session, deal_ids)
    visits = await repo.stage_visits(session, deal_ids)
    quotas = await repo.quotas(session, owners)
    by_id = {d.id: d for d in deals}

    groups: list[PipelineGroup] = []
    if group_by is not None:
        key_of = await _grouping(session, group_by)
        keys = sorted({key_of(d.owner_id, d.lead_source) for d in deals})
        if group_by != PipelineGroupBy.lead_source:
            # Owners with a quota but no deal still belong in the table: their coverage gap is the story.
            keys = sorted(set(keys) | {key_of(q.owner_id, None) for q in quotas})
        for key in keys:
            slice_deals = [d for d in deals if key_of(d.owner_id, d.lead_source) == key]
            slice_ids = {d.id for d in slice_deals}
            slice_quotas = (
                None if group_by == PipelineGroupBy.lead_source
                else [q for q in quotas if key_of(q.owner_id, None) == key]
            )
            groups.append(PipelineGroup(key=key, **figures(
                slice_deals, stages, [c for c in changes if c.deal_id in slice_ids], slice_quotas, period, as_of,
            ).model_dump()))

    aging = pa.stage_aging(deals, stages, as_of)[:MAX_AGING_ROWS]
    return PipelineSummary(
        owner_id=owner_id, pipeline_id=pipeline_id, to=period.end, as_of=as_of, group_by=group_by,
        totals=figures(deals, stages, changes, quotas, period, as_of),
        groups=groups,
        stage_conversion=[
            StageConversionRow(**row.__dict__) for row in pa.stage_conversion(stages, visits, period)
        ],
        stage_aging=[
            StageAgingRow(
                deal_id=row.deal_id, deal_name=by_id[row.deal_id].name, owner_id=by_id[row.deal_id].owner_id,
                stage_id=row.stage_id, stage_name=row.stage_name, days_in_stage=row.days_in_stage,
                aging_limit_days=row.aging_limit_days, overdue=row.overdue,
            ) for row in aging
        ],
        slipped=[
            SlippedDeal(deal_id=d.id, deal_name=d.name, owner_id=d.owner_id, amount=d.amount,
                        expected_close_date=d.expected_close_date)
            for d in pa.slipped_deals(deals, changes, period)
        ],
        **{"from": period.start},
    )


async def _grouping(session: AsyncSession, group_by: PipelineGroupBy) -> Callable[[uuid.UUID, str | None], str]:
    if group_by == PipelineGroupBy.owner:
        return lambda owner, _source: str(owner)
    if group_by == PipelineGroupBy.lead_source:
        return lambda _owner, source: source or UNASSIGNED
    teams = await repo.teams(session)
    return lambda owner, _source: teams.get(owner, UNASSIGNED)


async def set_team(session: AsyncSession, owner_id: uuid.UUID, team: str) -> None:
    await repo.set_team(session, owner_id, team)
