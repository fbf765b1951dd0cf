"""Reacting to a permanently failing integration: mark it unhealthy, tell the director once."""

from __future__ import annotations

import time

from anken_common.logging import get_logger
from anken_worker.deliveries import health_log as health_repo
from anken_worker.deliveries import repository as delivery_repo
from anken_worker.deliveries.context import DeliveryContext
from anken_worker.deliveries.models import Delivery, DeliveryPlan, Integration
from anken_worker.deliveries.queue import enqueue_deliveries
from anken_worker.messaging import integration_broken_message

log = get_logger("anken.worker.health")


def scope_of(d: Delivery) -> str:
    if d.integration == Integration.webhook.value:
        return f"endpoint:{d.payload.get('endpoint_id')}"
    return f"project:{d.project_id}" if d.project_id else "global"


async def on_integration_broken(ctx: DeliveryContext, d: Delivery, reason: str) -> None:
    scope = scope_of(d)
    async with ctx.engine.begin() as conn:
        since = await health_repo.mark_unhealthy(conn, d.integration, scope, reason)
        ctx.unhealthy_scopes.add((d.integration, scope))
        if since is None or d.project_id is None or d.action == "slack.notify_director":
            return
        text, blocks = integration_broken_message(d.integration, reason)
        plan = DeliveryPlan(
            key=f"health:{d.integration}:{scope}:{int(since.timestamp())}", integration=Integration.slack,
            action="slack.notify_director", order_key=f"slack:director:{d.project_id}",
            payload={"text": text, "blocks": blocks}, project_id=d.project_id, client_id=d.client_id,
        )
        keys = await delivery_repo.insert_plans(conn, [plan])
    log.warning("integration_unhealthy", integration=d.integration, scope=scope, reason=reason)
    await enqueue_deliveries(ctx, keys)


UNHEALTHY_CACHE_S = 5.0


async def on_healthy(ctx: DeliveryContext, d: Delivery) -> None:
    """A success shows the target works again. Only scopes known to be unhealthy are written, so the
    common case costs no query (the set of unhealthy scopes is re-read every few seconds)."""
    now = time.monotonic()
    if now - ctx.unhealthy_read_at > UNHEALTHY_CACHE_S:
        # One reader at a time: hundreds of deliveries finishing together would otherwise each read it.
        ctx.unhealthy_read_at = now
        try:
            async with ctx.engine.connect() as conn:
                rows = await health_repo.list_all(conn, only_unhealthy=True)
        except BaseException:
            ctx.unhealthy_read_at = float("-inf")
            raise
        ctx.unhealthy_scopes = {(r["integration"], r["scope"]) for r in rows}
    key = (d.integration, scope_of(d))
    if key not in ctx.unhealthy_scopes:
        return
    async with ctx.engine.begin() as conn:
        await health_repo.mark_healthy(conn, *key)
    ctx.unhealthy_scopes.discard(key)
