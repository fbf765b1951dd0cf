"""The events export: pages and an NDJSON stream of outbox envelopes after a cursor."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from anken_common.events import EventEnvelope
from anken_projects.events import repository as repo

STREAM_BATCH = 1000
# How long a read waits for in-flight writers before answering with what is already settled.
SETTLE_TIMEOUT_S = 5.0


def envelope(row: Any) -> EventEnvelope:
    return EventEnvelope(
        id=row.event_id, type=row.type, occurred_at=row.occurred_at, tenant=row.tenant,
        aggregate_type=row.aggregate_type, aggregate_id=row.aggregate_id, sequence=row.id, payload=row.payload,
    )


async def export_page(
    engine: AsyncEngine, *, after: int, types: Sequence[str] | None, limit: int, settle_timeout_s: float
) -> tuple[list[EventEnvelope], str | None]:
    """One page; `next_cursor` is set when the page is full (more may follow)."""
    async with engine.connect() as conn:
        upto = await repo.settled_bound(conn, after, settle_timeout_s)
        rows = await repo.read_events(conn, after=after, upto=upto, types=types, limit=limit) if upto > after else []
    items = [envelope(r) for r in rows]
    return items, (str(items[-1].sequence) if len(items) == limit else None)


async def export_stream(
    engine: AsyncEngine, *, after: int, types: Sequence[str] | None, limit: int | None, settle_timeout_s: float
) -> AsyncIterator[bytes]:
    """Every event after the cursor as NDJSON lines, read in batches so memory stays flat.

    Each batch uses its own short connection: a slow reader never holds a transaction open.
    """
    sent = 0
    while limit is None or sent < limit:
        batch = STREAM_BATCH if limit is None else min(STREAM_BATCH, limit - sent)
        async with engine.connect() as conn:
            upto = await repo.settled_bound(conn, after, settle_timeout_s)
            if upto <= after:
                return
            rows = await repo.read_events(conn, after=after, upto=upto, types=types, limit=batch)
        if rows:
            yield b"".join(envelope(r).to_json().encode() + b"\n" for r in rows)
            sent += len(rows)
            after = rows[-1].id
        if len(rows) < batch:
            # Filtered reads may return short batches before the bound: continue from the bound.
            if upto > after:
                after = upto
                continue
            return
