"""Every query on the delivery log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from anken_worker.deliveries.models import OPEN_STATUSES, Delivery, DeliveryPlan, DeliveryStatus, payload_hash
from anken_worker.kit.tables import deliveries as t
from anken_worker.kit.time import utc_now


async def insert_plans(conn: AsyncConnection, plans: list[DeliveryPlan]) -> list[str]:
    """Record planned deliveries; a key seen before is left alone. Returns the keys newly recorded."""
    if not plans:
        return []
    rows = [
        {
            "id": uuid.uuid4(), "idempotency_key": p.key, "integration": p.integration.value, "action": p.action,
            "target": p.target, "order_key": p.order_key, "project_id": p.project_id, "client_id": p.client_id,
            "source_event_id": p.source_event_id, "source_event_type": p.source_event_type,
            "payload": p.payload, "payload_hash": payload_hash(p.payload), "status": DeliveryStatus.pending.value,
            "attempts": 0, "progress": {},
        }
        for p in plans
    ]
    stmt = insert(t).values(rows).on_conflict_do_nothing(index_elements=["idempotency_key"]).returning(
        t.c.idempotency_key
    )
    return [r[0] for r in (await conn.execute(stmt)).all()]


async def get_by_key(conn: AsyncConnection, key: str) -> Delivery | None:
    row = (await conn.execute(sa.select(t).where(t.c.idempotency_key == key))).first()
    return Delivery.from_row(row) if row else None


async def get(conn: AsyncConnection, delivery_id: uuid.UUID) -> Delivery | None:
    row = (await conn.execute(sa.select(t).where(t.c.id == delivery_id))).first()
    return Delivery.from_row(row) if row else None


async def first_open(conn: AsyncConnection, order_key: str, upto_seq: int | None) -> Delivery | None:
    """The oldest open delivery of an order key: nothing later may run before it."""
    stmt = sa.select(t).where(t.c.order_key == order_key, t.c.status.in_(OPEN_STATUSES))
    if upto_seq is not None:
        stmt = stmt.where(t.c.seq <= upto_seq)
    row = (await conn.execute(stmt.order_by(t.c.seq).limit(1))).first()
    return Delivery.from_row(row) if row else None


async def claim_head(conn: AsyncConnection, order_key: str) -> tuple[Delivery | None, float | None]:
    """The oldest open delivery of an order key, with its attempt counted when it is due, in one statement.

    Returns (None, None) when nothing is open, (None, seconds) when the head is not due yet, and
    (delivery, None) when the head is due: its attempt is counted before the call is made, so a
    crash mid-call is visible to the next try.
    """
    head = (
        sa.select(t.c.id, (t.c.next_attempt_at <= sa.func.now()).label("due"),
                  sa.cast(sa.extract("epoch", t.c.next_attempt_at - sa.func.now()), sa.Float).label("wait"))
        .where(t.c.order_key == order_key, t.c.status.in_(OPEN_STATUSES)).order_by(t.c.seq).limit(1)
        .cte("head")
    )
    claimed = (
        sa.update(t).where(t.c.id == sa.select(head.c.id).where(head.c.due).scalar_subquery())
        .values(attempts=t.c.attempts + 1, updated_at=sa.func.now()).returning(*t.c).cte("claimed")
    )
    stmt = sa.select(head.c.wait, *claimed.c).select_from(head.outerjoin(claimed, sa.true()))
    row = (await conn.execute(stmt)).first()
    if row is None:
        return None, None
    values = dict(row._mapping)
    wait = values.pop("wait")
    if values["id"] is None:
        return None, max(0.0, float(wait or 0.0))
    return Delivery(**values), None


async def save_progress(conn: AsyncConnection, delivery_id: uuid.UUID, progress: dict[str, Any]) -> None:
    await conn.execute(sa.update(t).where(t.c.id == delivery_id).values(progress=progress, updated_at=sa.func.now()))


async def finish(
    conn: AsyncConnection, delivery_id: uuid.UUID, status: DeliveryStatus, *, error: str | None = None,
    excerpt: str | None = None, external_ref: str | None = None, target: str | None = None,
    next_attempt_at: datetime | None = None,
) -> None:
    values: dict[str, Any] = {"status": status.value, "updated_at": sa.func.now()}
    if error is not None:
        values["last_error"] = error[:2000]
    if excerpt is not None:
        values["response_excerpt"] = excerpt[:2000]
    if external_ref is not None:
        values["external_ref"] = external_ref
    if target:
        values["target"] = target
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    if status in (DeliveryStatus.succeeded, DeliveryStatus.dead, DeliveryStatus.skipped):
        values["completed_at"] = utc_now()
    await conn.execute(sa.update(t).where(t.c.id == delivery_id).values(**values))


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
    client_id: uuid.UUID | None, after_seq: int | None, limit: int,
) -> list[Delivery]:
    """Newest first; the cursor is the seq of the last item seen."""
    stmt = sa.select(t)
    if integration:
        stmt = stmt.where(t.c.integration == integration)
    if status:
        stmt = stmt.where(t.c.status == status)
    if project_id:
        stmt = stmt.where(t.c.project_id == project_id)
    if client_id:
        stmt = stmt.where(t.c.client_id == client_id)
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
