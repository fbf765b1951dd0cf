"""Claiming the next delivery of many targets at once, each claim also recording the target's
previous result: one statement for every channel drain that asks in the same moment.

Each order key is drained by one holder of its lock at a time (deliveries.lock), so a batch holds
at most one request per order key, and each request behaves exactly as if it ran alone: the
previous result is written, the oldest open delivery of the key is found and, when due, its
attempt is counted before the call is made (so a crash mid-call is visible to the next try).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from anken_worker.deliveries.models import OPEN_STATUSES, Delivery
from anken_worker.kit.coalescer import Coalescer

if TYPE_CHECKING:
    from anken_worker.deliveries.repository import FinalResult

_DELIVERY_FIELDS = tuple(f.name for f in dataclasses.fields(Delivery))
_OPEN = ", ".join(f"'{s}'" for s in OPEN_STATUSES)

# Data-modifying CTEs always run to completion, whether or not the outer query reads them. The
# statement's snapshot still shows a delivery being recorded as open: the head search leaves it out by id.
CLAIM_HEADS_SQL = f"""
WITH req AS (
    SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
        WITH ORDINALITY AS r(order_key, f_id, f_status, f_error, f_excerpt, f_external_ref, f_target, n)
), recorded AS (
    UPDATE deliveries d SET status = r.f_status, updated_at = now(),
        last_error = coalesce(r.f_error, d.last_error), response_excerpt = coalesce(r.f_excerpt, d.response_excerpt),
        external_ref = coalesce(r.f_external_ref, d.external_ref), target = coalesce(r.f_target, d.target),
        completed_at = now()
    FROM req r WHERE r.f_id IS NOT NULL AND d.id = r.f_id
    RETURNING d.id
), head AS (
    SELECT r.n, h.id, h.due, h.wait FROM req r LEFT JOIN LATERAL (
        SELECT d.id, d.next_attempt_at <= now() AS due,
               extract(epoch FROM d.next_attempt_at - now())::float8 AS wait
        FROM deliveries d
        WHERE d.order_key = r.order_key AND d.status IN ({_OPEN}) AND d.id IS DISTINCT FROM r.f_id
        ORDER BY d.seq LIMIT 1
    ) h ON true
), claimed AS (
    UPDATE deliveries d SET attempts = d.attempts + 1, updated_at = now()
    FROM head h WHERE h.due AND d.id = h.id
    RETURNING d.*
)
SELECT h.n, h.wait, {", ".join(f"c.{name}" for name in _DELIVERY_FIELDS)}
FROM head h LEFT JOIN claimed c ON c.id = h.id
ORDER BY h.n
"""

CLAIM_TIMEOUT_S = 10.0
ClaimRequest = tuple[str, "FinalResult | None"]
ClaimAnswer = tuple[Delivery | None, float | None]


async def claim_heads(conn: AsyncConnection, requests: list[ClaimRequest]) -> list[ClaimAnswer]:
    """For each (order key, previous result or None): (None, None) when nothing is open, (None, seconds)
    when the head is not due yet, (delivery, None) when the head is due and its attempt counted."""
    columns: list[list[Any]] = [[] for _ in range(7)]
    for order_key, final in requests:
        values = (order_key, *(_final_values(final) if final else (None,) * 6))
        for column, value in zip(columns, values, strict=True):
            column.append(value)
    # The driver's own connection: the statement is prepared once per connection and its rows are
    # read without SQLAlchemy's result machinery (this is the delivery hot path).
    driver = (await conn.get_raw_connection()).driver_connection
    if driver is None:  # only a connection already closed has none
        raise RuntimeError("the database connection is closed")
    # Bounded, as everything a drain waits for outside an attempt: a statement stuck behind a lock
    # fails its batch (the drains retry) rather than holding their targets' locks.
    rows = await driver.fetch(CLAIM_HEADS_SQL, *columns, timeout=CLAIM_TIMEOUT_S)
    answers: list[ClaimAnswer] = []
    for row in rows:
        if row["id"] is None:
            wait = row["wait"]
            answers.append((None, None if wait is None else max(0.0, float(wait))))
        else:
            answers.append((Delivery(**{name: row[name] for name in _DELIVERY_FIELDS}), None))
    return answers


def _final_values(final: FinalResult) -> tuple[Any, ...]:
    p = final.params()
    return (p["f_id"], p["f_status"], p["f_error"], p["f_excerpt"], p["f_external_ref"], p["f_target"])


class ClaimBatcher:
    """The claims of every drain in this process that ask at the same moment, made by one statement."""

    def __init__(self, autocommit: AsyncEngine) -> None:
        self._engine = autocommit
        self._coalescer: Coalescer[ClaimRequest, ClaimAnswer] = Coalescer(self._run, max_batch=200)

    async def _run(self, batch: list[ClaimRequest]) -> list[ClaimAnswer]:
        async with self._engine.connect() as conn:
            return await claim_heads(conn, batch)

    async def claim(self, order_key: str, record: FinalResult | None = None) -> ClaimAnswer:
        return await self._coalescer.submit((order_key, record))
