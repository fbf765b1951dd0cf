"""The test-send button: a `webhook.test` event recorded as a delivery and attempted at once.

What comes back is the delivery's status, the endpoint's status code and how long it took: never
the answer's body, which would let anyone who can register a URL read what it points at."""

from __future__ import annotations

import uuid

from anken_worker.adapters.webhooks.sender import parse_answer_summary
from anken_worker.context import WorkerContext
from anken_worker.deliveries import repository as delivery_repo
from anken_worker.jobs.enqueue import deliver_now
from anken_worker.kit.time import utc_now
from anken_worker.webhook_endpoints import service
from anken_worker.webhook_endpoints.schemas import TrialSendResult


async def send_trial(ctx: WorkerContext, endpoint_id: uuid.UUID) -> TrialSendResult:
    async with ctx.engine.begin() as conn:
        endpoint = await service.require(conn, endpoint_id)
        event_id = str(uuid.uuid4())
        plan = service.webhook_plan(f"test:{event_id}:webhook:{endpoint_id}", endpoint, "webhook.test", event_id,
                                    utc_now().isoformat(), {"message": "Anken からのテスト送信です"}, None)
        await delivery_repo.insert_plans(conn, [plan])
    await deliver_now(ctx, plan.key, plan.order_key, wait_s=5.0)
    async with ctx.engine.connect() as conn:
        d = await delivery_repo.get_by_key(conn, plan.key)
    if d is None:  # recorded above, and deliveries are never deleted
        raise RuntimeError(f"delivery {plan.key} vanished")
    status_code, duration_ms = parse_answer_summary(d.response_excerpt)
    return TrialSendResult(delivery_id=d.id, status=d.status, status_code=status_code, duration_ms=duration_ms,
                           last_error=d.last_error)
