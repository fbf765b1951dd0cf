"""Folding kickoff_item.updated into the kickoff checklist read model."""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from anken_common.event_payloads import KickoffItemPayload
from anken_common.events import EventEnvelope, EventType
from anken_reporting.consumers.registry import ApplyContext, projection, rebuildable_tables
from anken_reporting.kickoff.models import KickoffItem
from anken_reporting.kit.models import utc_now

rebuildable_tables("kickoff_items")


@projection(EventType.kickoff_item_updated)
async def apply_kickoff_item(session: AsyncSession, envelope: EventEnvelope, payload: KickoffItemPayload,
                             ctx: ApplyContext) -> None:
    values = {
        "id": payload.id, "project_id": payload.project_id, "key": payload.key, "label": payload.label,
        "required": payload.required, "agreed": payload.agreed, "value": payload.value,
        "source_sequence": envelope.sequence, "updated_at": utc_now(),
    }
    statement = insert(KickoffItem).values(values).on_conflict_do_update(
        index_elements=["id"], set_=values,
        # An item's older snapshot never overwrites a newer one, whatever aggregate carried it.
        where=col(KickoffItem.source_sequence) <= envelope.sequence,
    )
    await session.execute(statement)
