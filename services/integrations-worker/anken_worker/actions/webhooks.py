"""Partner webhook deliveries, signed per Standard Webhooks; the webhook-id is the delivery key."""

from __future__ import annotations

import uuid

from anken_worker.adapters.errors import SkipDelivery
from anken_worker.adapters.webhooks.sender import send_webhook
from anken_worker.context import WorkerContext
from anken_worker.deliveries.executor import action
from anken_worker.deliveries.models import Delivery, Outcome
from anken_worker.webhook_endpoints import repository as endpoints
from anken_worker.webhook_endpoints.secrets import signing_secrets


@action("webhook.send")
async def send(ctx: WorkerContext, d: Delivery) -> Outcome:
    async with ctx.engine.connect() as conn:
        endpoint = await endpoints.get(conn, uuid.UUID(d.payload["endpoint_id"]))
    if endpoint is None or not endpoint["active"]:
        raise SkipDelivery("the webhook endpoint was removed or disabled")
    excerpt = await send_webhook(ctx.http, endpoint["url"], d.payload["message_id"], d.payload["body"],
                                 signing_secrets(ctx.box, endpoint))
    return Outcome(excerpt=excerpt, target=endpoint["url"])
