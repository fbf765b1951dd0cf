"""Writing reporting-api's own events to its outbox inside the caller's transaction."""

from __future__ import annotations

import json
import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.events import EventType, to_payload


async def record_event(
    session: AsyncSession,
    type_: EventType | str,
    *,
    aggregate_type: str,
    aggregate_id: uuid.UUID | str,
    tenant: uuid.UUID | None,
    payload: dict[str, Any],
) -> uuid.UUID:
    """Insert an outbox row; it commits (or not) with the change it describes. Returns the event id."""
    event_id = uuid.uuid4()
    await session.execute(
        text(
            "INSERT INTO reporting.outbox_events (event_id, type, aggregate_type, aggregate_id, tenant, payload) "
            "VALUES (:event_id, :type, :aggregate_type, :aggregate_id, :tenant, CAST(:payload AS jsonb))"
        ),
        {
            "event_id": event_id, "type": str(type_), "aggregate_type": aggregate_type,
            "aggregate_id": str(aggregate_id), "tenant": tenant, "payload": json.dumps(to_payload(payload)),
        },
    )
    return event_id
