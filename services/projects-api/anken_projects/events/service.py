"""The events export: pages and an NDJSON stream of outbox envelopes after a cursor."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from anken_common.events import EventEnvelope, envelope_from_outbox_row
from anken_projects.events import repository as repo

STREAM_BATCH = 50_000
# How long a read waits for in-flight writers before answering with what is already settled.
SETTLE_TIMEOUT_S = 5.0


def envelope(row: Any) -> EventEnvelope:
    return envelope_from_outbox_row(row, "projects-api")


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
    engine: AsyncEngine, *, after: int, types: Sequence[str] | None, limit: int | None, settle_timeout_s: float,
    call_facts: bool = False,
) -> AsyncIterator[bytes]:
    """Every event after the cursor as NDJSON lines, read in batches so memory stays flat.

    PostgreSQL builds each line and COPYs the batch out (repository.copy_event_lines); a task
    reads batches into a small queue while the response sends, so the reader's pace holds the
    copy back rather than memory filling. The settled bound is taken once and read up to in
    batches, then taken again, until nothing new is settled. Each batch is its own short
    statement on its own connection: a slow reader never holds a transaction open for long.
    With `call_facts` the lines are CSV rows of repository.CALL_FACT_COLUMNS instead.
    """
    queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=32)

    async def produce() -> None:
        start, upto, sent = after, after, 0
        try:
            while limit is None or sent < limit:
                batch = STREAM_BATCH if limit is None else min(STREAM_BATCH, limit - sent)
                async with engine.connect() as conn:
                    if upto <= start:
                        upto = await repo.settled_bound(conn, start, settle_timeout_s)
                        if upto <= start:
                            return
                    rows, last_id = await repo.copy_event_lines(conn, after=start, upto=upto, types=types,
                                                                limit=batch, sink=queue.put,
                                                                call_facts=call_facts)
                sent += rows
                start = last_id or start
                if rows < batch:
                    if start >= upto:
                        return
                    # A filtered read stops short of the bound: go on from the bound (taken afresh).
                    start = upto
        finally:
            await queue.put(None)

    task = asyncio.create_task(produce())
    try:
        while (chunk := await queue.get()) is not None:
            yield chunk
        await task
    finally:
        if not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
