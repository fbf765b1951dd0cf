"""Publishing to and consuming from the events stream (Redis Streams with consumer groups).

Each consuming service has its own group, so every service sees every event once;
within a group, messages are acknowledged only after the handler succeeded, and the
handler must be idempotent by event id (redelivery after a crash is expected). run_consumer is
the one consumer loop: reporting-api's live consumer and the integrations worker's consumer both
run on it, and no other module reads the stream (tests/foundation/test_one_stream_consumer_loop.py).

A consumer that died holding messages leaves them pending under its name; a consumer started with
`claim_idle_ms` takes over those idle that long (XPENDING with IDLE, then XCLAIM: both answer the
same on Redis 6.2 and 7.0, unlike XAUTOCLAIM's reply) and handles them before new ones.

Both consumers' handlers are built by batch_with_fallback: the batch in one transaction; if that
fails, one event per transaction, stopping at the first that fails so order is kept.
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
# Applies envelopes in one transaction (commits, or raises and leaves nothing applied).
ApplyBatch = Callable[[list[EventEnvelope]], Awaitable[object]]
# Applies one envelope in its own transaction.
ApplyOne = Callable[[EventEnvelope], Awaitable[object]]


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


async def claim_stale(redis: Redis, namespace: str, group: str, consumer: str, *, min_idle_ms: int,
                      count: int = 1000) -> list[str]:
    """Make `consumer` the owner of up to `count` messages another consumer of `group` left pending
    for at least `min_idle_ms` (it crashed, or was renamed by a restart). Returns their ids."""
    stream = events_stream(namespace)
    pending = await redis.xpending_range(stream, group, min="-", max="+", count=count, idle=min_idle_ms)
    stale = [entry["message_id"] for entry in pending if _text(entry["consumer"]) != consumer]
    if not stale:
        return []
    claimed = await redis.xclaim(stream, group, consumer, min_idle_time=min_idle_ms, message_ids=stale, justid=True)
    ids = [_text(msg_id) for msg_id in claimed]
    log.warning("claimed_stale_events", group=group, consumer=consumer, count=len(ids))
    return ids


def batch_with_fallback(apply_batch: ApplyBatch, *, group: str, apply_one: ApplyOne | None = None) -> BatchHandler:
    """The handler every consumer of the stream runs on the loop: the whole batch in one transaction
    (`apply_batch`); if that fails, one event per transaction (`apply_one`, by default `apply_batch`
    with that one event), stopping at the first that fails, so it and those after it stay pending and
    are retried in order while one bad event cannot hold back the ones before it. Returns how many
    leading events are done (consume_batch acknowledges them).

    A batch of a single event is not tried again on the same path it just failed on."""

    async def handle_batch(envelopes: list[EventEnvelope]) -> int:
        try:
            await apply_batch(envelopes)
            return len(envelopes)
        except Exception:
            log.exception("event_batch_failed", group=group, size=len(envelopes))
        if len(envelopes) == 1 and apply_one is None:
            return 0
        for done, envelope in enumerate(envelopes):
            try:
                await (apply_one(envelope) if apply_one is not None else apply_batch([envelope]))
            except Exception:
                log.exception("event_failed", group=group, event_id=str(envelope.id), type=envelope.type)
                return done
        return len(envelopes)

    return handle_batch


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


async def consume_batch(
    redis: Redis, namespace: str, group: str, consumer: str, handle_batch: BatchHandler, *,
    count: int = 1000, block_ms: int = 1000, claim_idle_ms: int | None = None,
) -> int:
    """Read this consumer's pending messages (else new ones, waiting up to `block_ms`), hand them to
    `handle_batch` in stream order and acknowledge the leading ones it reports done. With
    `claim_idle_ms`, other consumers' messages pending that long are claimed first (claim_stale).

    A message that cannot be parsed is acknowledged and logged. When the handler stops short, the
    rest stay pending and StreamBatchFailed is raised: the caller backs off and the next call
    retries from the failed event, so order is kept. Returns how many were handled.
    """
    stream = events_stream(namespace)
    if claim_idle_ms is not None:
        await claim_stale(redis, namespace, group, consumer, min_idle_ms=claim_idle_ms, count=count)
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
    count: int = 1000, block_ms: int = 1000, claim_idle_ms: int | None = None,
) -> None:
    """Consume until `stop` is set (consume_batch in a loop); survives Redis and database outages and
    failing events with backoff. `count` is the batch size; see consume_batch for `claim_idle_ms`."""
    delay = 0.5
    while not stop.is_set():
        try:
            await ensure_group(redis, namespace, group)
            await consume_batch(redis, namespace, group, consumer, handle_batch, count=count, block_ms=block_ms,
                                claim_idle_ms=claim_idle_ms)
            delay = 0.5
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.warning("consumer_error", group=group, error=str(exc)[:200], retry_in_s=delay)
            await sleep_or_stop(stop, delay)
            delay = min(delay * 2, 10)
