"""The one outbox writer: an event is added to the caller's session and commits (or not) with the
change it describes; the service's relay (anken_common.outbox_relay) publishes it afterwards.

One calling convention in every service: `record_event(session, ...)` is a plain call that adds a
row to the session, never a coroutine, so there is no `await` to forget (a forgotten await used to
drop an event silently). The row is written when the session flushes: at commit at the latest.
Each service passes its own outbox model (a mapped class over `<schema>.outbox_events`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.events import EventType, to_payload

Row = TypeVar("Row")


def record_event(
    session: AsyncSession,
    model: Callable[..., Row],
    type_: EventType | str,
    *,
    aggregate_type: str,
    aggregate_id: uuid.UUID | str,
    tenant: uuid.UUID | None,
    payload: dict[str, Any],
) -> Row:
    """Add an outbox row of `model` for the event to the session and return it (its event_id is set)."""
    row = model(
        event_id=uuid.uuid4(), type=str(type_), aggregate_type=aggregate_type, aggregate_id=str(aggregate_id),
        tenant=tenant, payload=to_payload(payload),
    )
    session.add(row)
    return row
