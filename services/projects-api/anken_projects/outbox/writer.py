"""Writing events to the outbox inside the caller's transaction."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.events import EventType, to_payload
from anken_projects.outbox.models import OutboxEvent


def record_event(
    session: AsyncSession,
    type_: EventType | str,
    *,
    aggregate_type: str,
    aggregate_id: uuid.UUID | str,
    tenant: uuid.UUID | None,
    payload: dict[str, Any],
) -> OutboxEvent:
    """Add an event to the session; it commits (or not) with the change it describes."""
    event = OutboxEvent(
        type=str(type_),
        aggregate_type=aggregate_type,
        aggregate_id=str(aggregate_id),
        tenant=tenant,
        payload=to_payload(payload),
    )
    session.add(event)
    return event
