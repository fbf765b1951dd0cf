"""One attempt at one delivery, and what the delivery log records about it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

from anken_common.logging import get_logger
from anken_worker.adapters.errors import IntegrationBroken, PermanentError, SkipDelivery, TransientError
from anken_worker.deliveries import repository as repo
from anken_worker.deliveries.context import DeliveryContext
from anken_worker.deliveries.health import on_healthy, on_integration_broken
from anken_worker.deliveries.models import Delivery, DeliveryStatus, Outcome
from anken_worker.deliveries.retry_policy import next_delay_s
from anken_worker.kit.time import utc_now
from anken_worker.worker_metrics import DELIVERY_ATTEMPTS, DELIVERY_LATENCY

log = get_logger("anken.worker.deliveries")
# A handler takes the process's context (anken_worker.context.WorkerContext, which the machinery
# knows only as DeliveryContext) and the delivery; actions/ registers one per action name.
ActionHandler = Callable[..., Awaitable[Outcome]]
H = TypeVar("H", bound=ActionHandler)
ACTIONS: dict[str, ActionHandler] = {}
DIRECT_MESSAGE_ACTIONS = frozenset({"slack.notify_director"})


def action(name: str) -> Callable[[H], H]:
    """Register the handler of a delivery action (e.g. "slack.post")."""

    def register(fn: H) -> H:
        ACTIONS[name] = fn
        return fn

    return register


async def run_counted_attempt(ctx: DeliveryContext, d: Delivery) -> tuple[float | None, repo.FinalResult | None]:
    """The attempt itself, once `d.attempts` already counts it (see claims.claim_heads).

    Returns (seconds until a retry, None) when the attempt is to be retried (already written), or
    (None, final result) when the delivery is finished: the caller writes that result, with the
    claim of the target's next delivery in the same statement (see ordering._drain_held).
    """
    handler = ACTIONS.get(d.action)
    s = ctx.settings
    try:
        if handler is None:
            raise PermanentError(f"unknown delivery action {d.action!r}")
        # asyncio.timeout rather than wait_for: no extra task per attempt on the hot path.
        async with asyncio.timeout(max(5.0, s.job_timeout_s - 5)):
            outcome = await handler(ctx, d)
    except SkipDelivery as exc:
        return None, _final(d, DeliveryStatus.skipped, error=exc.reason, excerpt=exc.excerpt)
    except IntegrationBroken as exc:
        final = _final(d, DeliveryStatus.dead, error=exc.reason, excerpt=exc.excerpt)
        await on_integration_broken(ctx, d, exc.reason)
        return None, final
    except PermanentError as exc:
        return None, _final(d, DeliveryStatus.dead, error=exc.reason, excerpt=exc.excerpt)
    except (TransientError, TimeoutError, Exception) as exc:
        if isinstance(exc, TransientError):
            reason, excerpt, retry_after = exc.reason, exc.excerpt, exc.retry_after_s
        elif isinstance(exc, TimeoutError):
            reason, excerpt, retry_after = f"{d.action}: attempt timed out", None, None
        else:
            log.exception("delivery_handler_error", key=d.idempotency_key, action=d.action)
            reason, excerpt, retry_after = f"{d.action}: {type(exc).__name__}: {exc}"[:500], None, None
        used = d.attempts - int(d.progress.get("budget_from", 0))
        if used >= s.delivery_max_attempts:
            return None, _final(d, DeliveryStatus.dead, error=f"gave up after {used} attempts: {reason}",
                                excerpt=excerpt)
        delay = next_delay_s(used, s.backoff_base_s, s.backoff_cap_s, retry_after)
        async with ctx.autocommit.connect() as conn:
            await repo.finish(conn, d.id, DeliveryStatus.retrying, error=reason, excerpt=excerpt,
                              next_attempt_at=utc_now() + timedelta(seconds=delay))
        DELIVERY_ATTEMPTS.labels(d.integration, d.action, "retry").inc()
        log.info("delivery_retry", key=d.idempotency_key, attempt=d.attempts, retry_in_s=round(delay, 3), error=reason)
        return delay, None
    final = _final(d, DeliveryStatus.succeeded, excerpt=outcome.excerpt, external_ref=outcome.external_ref,
                   target=outcome.target)
    DELIVERY_LATENCY.labels(d.integration).observe((utc_now() - d.created_at).total_seconds())
    if d.action not in DIRECT_MESSAGE_ACTIONS:
        # Only a delivery to the failing target itself shows that it works again (a DM to the director does not).
        await on_healthy(ctx, d)
    return None, final


def _final(d: Delivery, status: DeliveryStatus, **fields: Any) -> repo.FinalResult:
    DELIVERY_ATTEMPTS.labels(d.integration, d.action, status.value).inc()
    if status != DeliveryStatus.succeeded:
        log.warning("delivery_" + status.value, key=d.idempotency_key, action=d.action, error=fields.get("error"))
    d.status = status.value
    return repo.FinalResult(d.id, status, **fields)
