"""Folding pipeline.changed, deal.* and quota.set events into the deals read model.

The consumer (consumers/apply.py) has already de-duplicated the event and dropped snapshots
older than the deal's last applied one, so each handler upserts the snapshot it is given and
appends what changed to the history.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_common.event_payloads import DealPayload, PipelinePayload, QuotaPayload
from anken_common.events import EventEnvelope, EventType
from anken_reporting.consumers.registry import ApplyContext, projection, rebuildable_tables
from anken_reporting.pipeline.models import (
    PipelineDeal,
    PipelineDealHistory,
    PipelineQuota,
    PipelineStage,
)

rebuildable_tables("pipeline_stages", "pipeline_deals", "pipeline_deal_history", "pipeline_quotas")

# The deal fields whose every change is kept, as DESIGN §2 asks (stage, amount, dates) plus the
# ones forecasting needs to explain a movement.
TRACKED_FIELDS = ("stage_id", "amount", "expected_close_date", "status", "forecast_category", "probability")


def _text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, date | datetime):
        return value.isoformat()
    return str(value)


@projection(EventType.pipeline_changed)
async def apply_pipeline(session: AsyncSession, envelope: EventEnvelope, payload: PipelinePayload,
                         ctx: ApplyContext) -> None:
    """Replace the pipeline's stages with the snapshot (stages removed from it disappear)."""
    stage_ids = [stage.id for stage in payload.stages]
    await session.execute(
        delete(PipelineStage)
        .where(col(PipelineStage.pipeline_id) == payload.id, col(PipelineStage.id).not_in(stage_ids))
    )
    for stage in payload.stages:
        values = {
            "id": stage.id, "pipeline_id": payload.id, "pipeline_name": payload.name, "name": stage.name,
            "position": stage.position, "probability": stage.probability,
            "aging_limit_days": stage.aging_limit_days, "is_won": stage.is_won, "is_lost": stage.is_lost,
        }
        await session.execute(
            insert(PipelineStage).values(values).on_conflict_do_update(index_elements=["id"], set_=values)
        )


@projection(EventType.deal_created, EventType.deal_changed)
async def apply_deal(session: AsyncSession, envelope: EventEnvelope, payload: DealPayload, ctx: ApplyContext) -> None:
    if payload.appointment_id is not None:
        # A client's deal reported back on an appointment (events from before projects-api kept them on the
        # appointment): the client's outcome data, never the agency's pipeline, forecast or quota attainment.
        await session.execute(delete(PipelineDealHistory).where(col(PipelineDealHistory.deal_id) == payload.id))
        await session.execute(delete(PipelineDeal).where(col(PipelineDeal.id) == payload.id))
        return
    current = (
        await session.execute(select(PipelineDeal).where(col(PipelineDeal.id) == payload.id))
    ).scalar_one_or_none()
    values = {
        "id": payload.id, "name": payload.name, "account_name": payload.account_name,
        "client_id": payload.client_id, "owner_id": payload.owner_id, "pipeline_id": payload.pipeline_id,
        "stage_id": payload.stage_id, "amount": payload.amount, "probability": payload.probability,
        "expected_close_date": payload.expected_close_date, "forecast_category": payload.forecast_category,
        "status": payload.status, "lead_source": payload.lead_source, "created_at": payload.created_at,
        "closed_at": payload.closed_at, "stage_entered_at": payload.stage_entered_at,
        "source_sequence": envelope.sequence, "source_occurred_at": envelope.occurred_at,
    }
    changes = _changes(current, payload)
    await session.execute(insert(PipelineDeal).values(values).on_conflict_do_update(index_elements=["id"], set_=values))
    rows = []
    for field, (old, new) in changes.items():
        # A stage move happened when the deal entered the new stage, not when the event was relayed.
        changed_at = payload.stage_entered_at if field == "stage_id" else envelope.occurred_at
        if current is None:
            changed_at = payload.stage_entered_at if field == "stage_id" else payload.created_at
        rows.append({
            "deal_id": payload.id, "event_id": envelope.id, "field": field,
            "old_value": _text(old), "new_value": _text(new), "changed_at": changed_at,
        })
    if rows:
        await session.execute(insert(PipelineDealHistory).values(rows).on_conflict_do_nothing())


def _changes(current: PipelineDeal | None, payload: DealPayload) -> dict[str, tuple[object, object]]:
    """What moved: against the stored snapshot when there is one, else the event's own `changes`
    (a first event of a deal records its initial stage so conversion counts the entry)."""
    if current is None:
        found: dict[str, tuple[object, object]] = {"stage_id": (None, payload.stage_id)}
        for field, pair in payload.changes.items():
            if field in TRACKED_FIELDS and field != "stage_id" and len(pair) == 2:
                found[field] = (pair[0], pair[1])
        return found
    found = {}
    for field in TRACKED_FIELDS:
        old, new = getattr(current, field), getattr(payload, field)
        if _text(old) != _text(new):
            found[field] = (old, new)
    return found


@projection(EventType.quota_set)
async def apply_quota(session: AsyncSession, envelope: EventEnvelope, payload: QuotaPayload, ctx: ApplyContext) -> None:
    values = {
        "id": payload.id, "owner_id": payload.owner_id, "period_start": payload.period_start,
        "period_end": payload.period_end, "amount": payload.amount,
    }
    await session.execute(insert(PipelineQuota).values(values).on_conflict_do_update(index_elements=["id"], set_=values))
