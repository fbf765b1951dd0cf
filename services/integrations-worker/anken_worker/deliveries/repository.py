"""Every query on the delivery log."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import msgspec
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from anken_worker.deliveries.models import Delivery, DeliveryPlan, DeliveryStatus, payload_hash, webhook_order_key
from anken_worker.kit.tables import deliveries as t
from anken_worker.kit.time import utc_now

# Statements are built once: building a statement and its cache key costs more CPU than running it.
_BY_KEY = sa.select(t).where(t.c.idempotency_key == sa.bindparam("p_key", type_=t.c.idempotency_key.type))


def _keep_unless(name: str, column: sa.Column[Any]) -> sa.ColumnElement[Any]:
    """SET column = the parameter, or leave it as it is when the parameter is NULL."""
    return sa.func.coalesce(sa.bindparam(name, type_=column.type), column)


@dataclass
class FinalResult:
    """A finished attempt's final status and what the log keeps about it, not yet written."""

    delivery_id: uuid.UUID
    status: DeliveryStatus
    error: str | None = None
    excerpt: str | None = None
    external_ref: str | None = None
    target: str | None = None

    def params(self) -> dict[str, Any]:
        return {"f_id": self.delivery_id, "f_status": self.status.value,
                "f_error": self.error[:2000] if self.error is not None else None,
                "f_excerpt": self.excerpt[:2000] if self.excerpt is not None else None,
                "f_external_ref": self.external_ref, "f_target": self.target or None}


_FINISH = sa.update(t).where(t.c.id == sa.bindparam("p_id", type_=t.c.id.type)).values(
    status=sa.bindparam("p_status", type_=t.c.status.type), updated_at=sa.func.now(),
    last_error=_keep_unless("p_error", t.c.last_error),
    response_excerpt=_keep_unless("p_excerpt", t.c.response_excerpt),
    external_ref=_keep_unless("p_external_ref", t.c.external_ref), target=_keep_unless("p_target", t.c.target),
    next_attempt_at=_keep_unless("p_next_attempt_at", t.c.next_attempt_at),
    completed_at=_keep_unless("p_completed_at", t.c.completed_at),
)


# A batch of plans is one JSON parameter of one prepared statement: a multi-row VALUES would be
# compiled afresh for every batch size (the consumer's largest CPU cost). WITH ORDINALITY keeps the
# plans' order, so `seq` (the per-target order) follows the order the events were consumed in.
_INSERT_PLANS = sa.text(
    """
    INSERT INTO deliveries (id, idempotency_key, integration, action, target, order_key, project_id, client_id,
                            source_event_id, source_event_type, payload, payload_hash, status, attempts, progress)
    SELECT p.id, p.idempotency_key, p.integration, p.action, p.target, p.order_key, p.project_id, p.client_id,
           p.source_event_id, p.source_event_type, p.payload, p.payload_hash, 'pending', 0, '{}'::jsonb
    FROM ROWS FROM (jsonb_to_recordset(CAST(:p_rows AS jsonb)) AS (
        id uuid, idempotency_key text, integration text, action text, target text, order_key text,
        project_id uuid, client_id uuid, source_event_id uuid, source_event_type text, payload jsonb,
        payload_hash text)) WITH ORDINALITY AS p
    ORDER BY p.ordinality
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING idempotency_key
    """
)


_ROWS = msgspec.json.Encoder(enc_hook=str)  # anything without a JSON form is written as its str(), as json's default=str


def _plan_row(p: DeliveryPlan) -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()), "idempotency_key": p.key, "integration": p.integration.value, "action": p.action,
        "target": p.target, "order_key": p.order_key, "project_id": p.project_id, "client_id": p.client_id,
        "source_event_id": p.source_event_id, "source_event_type": p.source_event_type, "payload": p.payload,
        "payload_hash": payload_hash(p.payload),
    }


async def insert_plans(conn: AsyncConnection, plans: list[DeliveryPlan]) -> list[str]:
    """Record planned deliveries; a key seen before is left alone. Returns the keys newly recorded."""
    if not plans:
        return []
    # msgspec: a burst's rows are encoded several times faster than by json (the consumer's largest cost).
    rows = _ROWS.encode([_plan_row(p) for p in plans]).decode()
    return [r[0] for r in (await conn.execute(_INSERT_PLANS, {"p_rows": rows})).all()]


async def get_by_key(conn: AsyncConnection, key: str) -> Delivery | None:
    row = (await conn.execute(_BY_KEY, {"p_key": key})).first()
    return Delivery.from_row(row) if row else None


async def get(conn: AsyncConnection, delivery_id: uuid.UUID) -> Delivery | None:
    row = (await conn.execute(sa.select(t).where(t.c.id == delivery_id))).first()
    return Delivery.from_row(row) if row else None


async def save_progress(conn: AsyncConnection, delivery_id: uuid.UUID, progress: dict[str, Any]) -> None:
    await conn.execute(sa.update(t).where(t.c.id == delivery_id).values(progress=progress, updated_at=sa.func.now()))


async def finish(
    conn: AsyncConnection, delivery_id: uuid.UUID, status: DeliveryStatus, *, error: str | None = None,
    excerpt: str | None = None, external_ref: str | None = None, target: str | None = None,
    next_attempt_at: datetime | None = None,
) -> None:
    final = status in (DeliveryStatus.succeeded, DeliveryStatus.dead, DeliveryStatus.skipped)
    await conn.execute(_FINISH, {
        "p_id": delivery_id, "p_status": status.value, "p_error": error[:2000] if error is not None else None,
        "p_excerpt": excerpt[:2000] if excerpt is not None else None, "p_external_ref": external_ref,
        "p_target": target or None, "p_next_attempt_at": next_attempt_at, "p_completed_at": utc_now() if final else None,
    })


async def record(conn: AsyncConnection, result: FinalResult) -> None:
    """Write a final result on its own (when no next head is claimed with it)."""
    await finish(conn, result.delivery_id, result.status, error=result.error, excerpt=result.excerpt,
                 external_ref=result.external_ref, target=result.target)


async def overdue_order_keys(conn: AsyncConnection, grace_s: float, limit: int = 500) -> list[tuple[str, str]]:
    """(order key, key of its first open delivery) for order keys whose head is overdue by `grace_s`."""
    stmt = sa.text(
        """
        SELECT DISTINCT ON (order_key) order_key, idempotency_key FROM deliveries
        WHERE status IN ('pending','retrying') AND next_attempt_at <= now() - make_interval(secs => :grace)
        ORDER BY order_key, seq LIMIT :limit
        """
    )
    return [(r[0], r[1]) for r in (await conn.execute(stmt, {"grace": grace_s, "limit": limit})).all()]


async def list_page(
    conn: AsyncConnection, *, integration: str | None, status: str | None, project_id: uuid.UUID | None,
    client_id: uuid.UUID | None, after_seq: int | None, limit: int, visible: sa.ColumnElement[bool] | None = None,
    endpoint_id: uuid.UUID | None = None,
) -> list[Delivery]:
    """Newest first; the cursor is the seq of the last item seen; `visible`: the caller's access rule."""
    stmt = sa.select(t) if visible is None else sa.select(t).where(visible)
    if integration:
        stmt = stmt.where(t.c.integration == integration)
    if status:
        stmt = stmt.where(t.c.status == status)
    if project_id:
        stmt = stmt.where(t.c.project_id == project_id)
    if client_id:
        stmt = stmt.where(t.c.client_id == client_id)
    if endpoint_id:
        # A webhook endpoint's deliveries (events and test sends) are ordered under its key.
        stmt = stmt.where(t.c.order_key == webhook_order_key(endpoint_id))
    if after_seq is not None:
        stmt = stmt.where(t.c.seq < after_seq)
    rows = (await conn.execute(stmt.order_by(t.c.seq.desc()).limit(limit))).all()
    return [Delivery.from_row(r) for r in rows]


async def reopen(conn: AsyncConnection, where: sa.ColumnElement[bool]) -> list[str]:
    """Put dead (and skipped) deliveries back to pending with a fresh retry budget; returns their keys.

    Skipped ones come back too: a step skipped for a missing prerequisite (no channel because
    creating it died) must run once the prerequisite is redriven, in its original order.

    `attempts` is kept (a post may have landed before the failure, so the next try still looks
    for it first); the budget restarts from the current count.
    """
    stmt = (
        sa.update(t).where(where, t.c.status.in_((DeliveryStatus.dead.value, DeliveryStatus.skipped.value)))
        .values(status=DeliveryStatus.pending.value, next_attempt_at=sa.func.now(),
                progress=t.c.progress.op("||")(sa.func.jsonb_build_object("budget_from", t.c.attempts)),
                completed_at=None, updated_at=sa.func.now())
        .returning(t.c.idempotency_key)
    )
    return [r[0] for r in (await conn.execute(stmt)).all()]
