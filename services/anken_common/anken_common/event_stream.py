"""Publishing to and consuming from the events stream (Redis Streams with consumer groups).

Each consuming service has its own group, so every service sees every event once;
within a group, messages are acknowledged only after the handler succeeded, and the
handler must be idempotent by event id (redelivery after a crash is expected).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from redis.asyncio import Redis
from redis.exceptions import ResponseError

from anken_common.events import EventEnvelope, events_stream
from anken_common.logging import get_logger
from anken_common.stopping import sleep_or_stop

log = get_logger("anken.events")
Handler = Callable[[EventEnvelope], Awaitable[None]]


async def publish(redis: Redis, namespace: str, envelope: EventEnvelope, *, maxlen: int = 5_000_000) -> str:
    msg_id = await redis.xadd(
        events_stream(namespace), {"envelope": envelope.to_json()}, maxlen=maxlen, approximate=True
    )
    return msg_id.decode() if isinstance(msg_id, bytes) else str(msg_id)


async def ensure_group(redis: Redis, namespace: str, group: str) -> None:
    try:
        await redis.xgroup_create(events_stream(namespace), group, id="0", mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


async def consume_batch(
    redis: Redis, namespace: str, group: str, consumer: str, handler: Handler, *, count: int = 500, block_ms: int = 1000
) -> int:
    """Read up to `count` new messages (first any left pending for this consumer), handle, ack.

    Returns how many were handled. A message whose handler raises stays pending and is
    retried on the next call; a message that cannot be parsed is acked and logged.
    """
    stream = events_stream(namespace)
    handled = 0
    for start in ("0", ">"):
        reply = await redis.xreadgroup(group, consumer, {stream: start}, count=count, block=None if start == "0" else block_ms)
        for _, messages in reply or []:
            for msg_id, fields in messages:
                raw = fields.get(b"envelope") or fields.get("envelope")
                try:
                    envelope = EventEnvelope.from_json(raw)
                except Exception as exc:
                    log.error("malformed_event", msg_id=str(msg_id), error=str(exc)[:200])
                    await redis.xack(stream, group, msg_id)
                    continue
                try:
                    await handler(envelope)
                except Exception:
                    log.exception("event_handler_failed", event_id=str(envelope.id), type=envelope.type)
                    return handled  # keep order: stop at the first failure, retry it next time
                await redis.xack(stream, group, msg_id)
                handled += 1
        if handled and start == "0":
            return handled
    return handled


async def run_consumer(
    redis: Redis, namespace: str, group: str, consumer: str, handler: Handler, stop: asyncio.Event
) -> None:
    """Consume until `stop` is set; survives Redis outages with backoff."""
    delay = 0.5
    while not stop.is_set():
        try:
            await ensure_group(redis, namespace, group)
            await consume_batch(redis, namespace, group, consumer, handler)
            delay = 0.5
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("consumer_error", group=group, error=str(exc)[:200], retry_in_s=delay)
            await sleep_or_stop(stop, delay)
            delay = min(delay * 2, 10)
