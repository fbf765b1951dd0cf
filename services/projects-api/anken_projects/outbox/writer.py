"""Writing events to the outbox inside the caller's transaction (anken_common.outbox_writer)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from anken_common import outbox_writer
from anken_common.events import EventType
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
    return outbox_writer.record_event(session, OutboxEvent, type_, aggregate_type=aggregate_type,
                                      aggregate_id=aggregate_id, tenant=tenant, payload=payload)
