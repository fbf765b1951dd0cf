"""Publishing to and consuming from the events stream (Redis Streams with consumer groups).

Each consuming service has its own group, so every service sees every event once;
within a group, messages are acknowledged only after the handler succeeded, and the
handler must be idempotent by event id (redelivery after a crash is expected). run_consumer is
the one consumer loop (reporting-api's live consumer runs on it).
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
# Applies envelopes in order; returns how many leading ones are done (all, unless one failed).
BatchHandler = Callable[[list[EventEnvelope]], Awaitable[int]]


class StreamBatchFailed(RuntimeError):
    """An event of the batch failed; it and those after it stay pending to be retried."""


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
    redis: Redis, namespace: str, group: str, consumer: str, handle_batch: BatchHandler, *,
    count: int = 1000, block_ms: int = 1000,
) -> int:
    """Read this consumer's pending messages (else new ones, waiting up to `block_ms`), hand them to
    `handle_batch` in stream order and acknowledge the leading ones it reports done.

    A message that cannot be parsed is acknowledged and logged. When the handler stops short, the
    rest stay pending and StreamBatchFailed is raised: the caller backs off and the next call
    retries from the failed event, so order is kept. Returns how many were handled.
    """
    stream = events_stream(namespace)
    for start in ("0", ">"):
        reply = await redis.xreadgroup(group, consumer, {stream: start}, count=count,
                                       block=None if start == "0" else block_ms)
        messages = [m for _, batch in reply or [] for m in batch]
        if not messages:
            continue
        ids, envelopes, malformed = [], [], []
        for msg_id, fields in messages:
            raw = fields.get(b"envelope") or fields.get("envelope")
            try:
                envelopes.append(EventEnvelope.from_json(raw))
                ids.append(msg_id)
            except Exception as exc:
                log.error("malformed_event", msg_id=str(msg_id), error=str(exc)[:200])
                malformed.append(msg_id)
        if malformed:
            await redis.xack(stream, group, *malformed)
        done = await handle_batch(envelopes) if envelopes else 0
        if done:
            await redis.xack(stream, group, *ids[:done])
        if done < len(envelopes):
            raise StreamBatchFailed(f"event {envelopes[done].id} failed; retrying")
        return done
    return 0


async def run_consumer(
    redis: Redis, namespace: str, group: str, consumer: str, handle_batch: BatchHandler, stop: asyncio.Event, *,
    count: int = 1000, block_ms: int = 1000,
) -> None:
    """Consume until `stop` is set (consume_batch in a loop); survives Redis and database outages and
    failing events with backoff."""
    delay = 0.5
    while not stop.is_set():
        try:
            await ensure_group(redis, namespace, group)
            await consume_batch(redis, namespace, group, consumer, handle_batch, count=count, block_ms=block_ms)
            delay = 0.5
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("consumer_error", group=group, error=str(exc)[:200], retry_in_s=delay)
            await sleep_or_stop(stop, delay)
            delay = min(delay * 2, 10)
