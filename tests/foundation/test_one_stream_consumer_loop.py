"""Issue 16, one Redis Streams consumer loop: reporting-api's live consumer and the integrations
worker's consumer both run on anken_common.event_stream, and no other module reads or acknowledges
the stream. The loop itself is checked against real Redis: an unacknowledged message is delivered
again after a crash (to the same consumer, or claimed by another once idle), and a message is
acknowledged only after the handler reported it done. Both consumers' handlers are built by the one
fallback helper (batch_with_fallback: the batch in one transaction, else one event per transaction,
stopping at the first failure), and neither keeps a copy of it."""

from __future__ import annotations

import asyncio
import inspect
import re
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from anken_common import event_stream
from anken_common.event_stream import (
    StreamBatchFailed,
    batch_with_fallback,
    consume_batch,
    ensure_group,
    publish,
    run_consumer,
)
from anken_common.events import EventEnvelope, events_stream
from harness.infra import Infra

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "services", ROOT / "web" / "anken_web"]
STREAM_READS = re.compile(r"(?i)\b(xreadgroup|xread|xack|xclaim|xautoclaim)\s*\(|['\"](XREADGROUP|XREAD|XACK|XCLAIM|XAUTOCLAIM)['\"]")
GROUP = "loop-test"


def test_no_module_but_the_shared_loop_reads_or_acknowledges_the_stream() -> None:
    found = []
    for path in (p for root in SOURCES for p in root.rglob("*.py")):
        if path == Path(inspect.getfile(event_stream)) or "/sandbox/" in path.as_posix():
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}: {m.group(0)}"
                  for m in STREAM_READS.finditer(text)]
    assert not found, "read the events stream through anken_common.event_stream.run_consumer:\n" + "\n".join(found)


def test_the_pattern_sees_a_hand_written_loop() -> None:
    for sample in ("await ctx.redis.xreadgroup(GROUP, name, {stream: '>'})", "await r.xack(stream, g, i)",
                   "redis.call('XCLAIM', KEYS[1])", "await r.xautoclaim(s, g, c, 0)"):
        assert STREAM_READS.search(sample), sample
    assert not STREAM_READS.search("from anken_common.event_stream import run_consumer")


def test_both_consumers_run_on_the_one_loop() -> None:
    from anken_reporting.consumers import runner
    from anken_worker import runtime
    from anken_worker.events import consumer

    for module in (runner, consumer):
        assert module.run_consumer is event_stream.run_consumer, module.__name__
        assert "run_consumer(" in inspect.getsource(module.run_event_consumer), module.__name__
    assert runtime.run_event_consumer is consumer.run_event_consumer


def _envelopes(n: int) -> list[EventEnvelope]:
    return [EventEnvelope(type="client.created", aggregate_type="client", aggregate_id=str(i), sequence=i)
            for i in range(n)]


class Applier:
    """Applies lists of envelopes "in one transaction", failing any list that holds a bad one."""

    def __init__(self, bad: set[uuid.UUID]) -> None:
        self.bad = bad
        self.calls: list[list[uuid.UUID]] = []

    async def __call__(self, envelopes: list[EventEnvelope]) -> None:
        self.calls.append([e.id for e in envelopes])
        if self.bad & {e.id for e in envelopes}:
            raise RuntimeError("constraint violated")


async def test_the_fallback_applies_one_by_one_and_stops_at_the_first_failure() -> None:
    envelopes = _envelopes(4)
    ids = [e.id for e in envelopes]
    apply = Applier(bad={ids[2]})
    handle = batch_with_fallback(apply, group=GROUP)
    assert await handle(envelopes) == 2  # the bad third and the fourth after it stay pending, in order
    assert apply.calls == [ids, [ids[0]], [ids[1]], [ids[2]]]

    clean = Applier(bad=set())
    assert await batch_with_fallback(clean, group=GROUP)(envelopes) == 4
    assert clean.calls == [ids]  # one transaction when nothing fails


async def test_the_fallback_uses_the_single_event_path_when_given_and_skips_a_pointless_retry() -> None:
    envelopes = _envelopes(3)
    ids = [e.id for e in envelopes]
    singles: list[uuid.UUID] = []

    async def one(envelope: EventEnvelope) -> None:
        singles.append(envelope.id)

    batch = Applier(bad={ids[1]})
    assert await batch_with_fallback(batch, group=GROUP, apply_one=one)(envelopes) == 3
    assert batch.calls == [ids] and singles == ids

    lone = Applier(bad={ids[0]})
    assert await batch_with_fallback(lone, group=GROUP)(envelopes[:1]) == 0
    assert lone.calls == [[ids[0]]]  # a batch of one is not tried again on the path it just failed on


def test_both_consumers_build_their_handler_with_the_one_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    from anken_reporting.consumers import runner
    from anken_reporting.settings import ReportingSettings
    from anken_worker.events import consumer

    built: list[str] = []

    def spy(*args: object, group: str, **kwargs: object) -> event_stream.BatchHandler:
        built.append(group)
        return batch_with_fallback(*args, group=group, **kwargs)  # type: ignore[arg-type]

    for module in (runner, consumer):
        monkeypatch.setattr(module, "batch_with_fallback", spy)
    reporting_handler = runner.make_batch_handler(None, ReportingSettings.model_construct())  # type: ignore[arg-type]
    worker_handler = consumer.make_batch_handler(None)  # type: ignore[arg-type]
    assert built == [runner.CONSUMER_GROUP, consumer.EVENT_GROUP]
    for handler in (reporting_handler, worker_handler):
        assert handler.__qualname__ == "batch_with_fallback.<locals>.handle_batch"
    for module in (runner, consumer):  # no copy of the loop-over-events fallback is left behind
        assert "enumerate(envelopes)" not in inspect.getsource(module), module.__name__


async def test_the_workers_handler_falls_back_through_the_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    from anken_worker.events import consumer

    envelopes = _envelopes(3)
    ids = [e.id for e in envelopes]
    record = Applier(bad={ids[1]})

    async def handle_events(ctx: object, batch: list[EventEnvelope]) -> list[str]:
        await record(batch)
        return []

    monkeypatch.setattr(consumer, "handle_events", handle_events)
    assert await consumer.make_batch_handler(None)(envelopes) == 1  # type: ignore[arg-type]
    assert record.calls == [ids, [ids[0]], [ids[1]]]


@pytest.fixture
async def redis(infra: Infra) -> AsyncIterator[tuple[Redis, str]]:
    client = Redis.from_url(infra.redis_url)
    namespace = f"{infra.namespace}:loop-{uuid.uuid4().hex[:8]}"
    try:
        await ensure_group(client, namespace, GROUP)
        yield client, namespace
    finally:
        await client.delete(events_stream(namespace))
        await client.aclose()


async def _publish(client: Redis, namespace: str, n: int) -> list[EventEnvelope]:
    envelopes = [EventEnvelope(type="client.created", aggregate_type="client", aggregate_id=str(i), sequence=i)
                 for i in range(n)]
    for envelope in envelopes:
        await publish(client, namespace, envelope)
    return envelopes


async def _pending(client: Redis, namespace: str) -> dict[str, int]:
    summary = await client.xpending(events_stream(namespace), GROUP)
    return {(c["name"].decode() if isinstance(c["name"], bytes) else c["name"]): int(c["pending"])
            for c in summary["consumers"]}


class Recorder:
    """A handler that records the event ids it was given and reports the first `done` of each batch done."""

    def __init__(self, done: int | None = None) -> None:
        self.batches: list[list[uuid.UUID]] = []
        self.done = done

    async def __call__(self, envelopes: list[EventEnvelope]) -> int:
        self.batches.append([e.id for e in envelopes])
        return len(envelopes) if self.done is None else min(self.done, len(envelopes))


async def _crash_while_handling(client: Redis, namespace: str, consumer: str) -> None:
    """The consumer reads a batch and dies (its task cancelled) before the handler finishes."""
    entered = asyncio.Event()

    async def hang(envelopes: list[EventEnvelope]) -> int:
        entered.set()
        await asyncio.Event().wait()
        return len(envelopes)

    task = asyncio.create_task(consume_batch(client, namespace, GROUP, consumer, hang, block_ms=5_000))
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_crashed_consumer_gets_its_unacknowledged_batch_again(redis: tuple[Redis, str]) -> None:
    client, namespace = redis
    envelopes = await _publish(client, namespace, 3)
    await _crash_while_handling(client, namespace, "a")
    assert await _pending(client, namespace) == {"a": 3}

    restarted = Recorder()
    assert await consume_batch(client, namespace, GROUP, "a", restarted, block_ms=10) == 3
    assert restarted.batches == [[e.id for e in envelopes]]
    assert await _pending(client, namespace) == {}


async def test_another_consumer_claims_a_vanished_consumers_batch_only_once_it_is_idle(redis: tuple[Redis, str]) -> None:
    client, namespace = redis
    envelopes = await _publish(client, namespace, 3)
    await _crash_while_handling(client, namespace, "gone")

    successor = Recorder()
    # Not idle for an hour: left to its owner (nothing new either, so the handler is not called).
    assert await consume_batch(client, namespace, GROUP, "b", successor, block_ms=10, claim_idle_ms=3_600_000) == 0
    assert successor.batches == [] and await _pending(client, namespace) == {"gone": 3}

    assert await consume_batch(client, namespace, GROUP, "b", successor, block_ms=10, claim_idle_ms=0) == 3
    assert successor.batches == [[e.id for e in envelopes]]
    summary = await client.xpending(events_stream(namespace), GROUP)
    assert summary["pending"] == 0


async def test_only_what_the_handler_reports_done_is_acknowledged_and_the_rest_comes_back_in_order(
    redis: tuple[Redis, str],
) -> None:
    client, namespace = redis
    envelopes = await _publish(client, namespace, 3)
    ids = [e.id for e in envelopes]

    async def fails(batch: list[EventEnvelope]) -> int:
        raise RuntimeError("database down")

    with pytest.raises(RuntimeError):
        await consume_batch(client, namespace, GROUP, "c", fails, block_ms=10)
    assert await _pending(client, namespace) == {"c": 3}

    first_only = Recorder(done=1)
    with pytest.raises(StreamBatchFailed):
        await consume_batch(client, namespace, GROUP, "c", first_only, block_ms=10)
    assert first_only.batches == [ids] and await _pending(client, namespace) == {"c": 2}

    rest = Recorder()
    assert await consume_batch(client, namespace, GROUP, "c", rest, block_ms=10) == 2
    assert rest.batches == [ids[1:]] and await _pending(client, namespace) == {}


async def test_a_message_that_is_not_an_envelope_is_acknowledged_and_skipped(redis: tuple[Redis, str]) -> None:
    client, namespace = redis
    await client.xadd(events_stream(namespace), {"envelope": "not json"})
    (envelope,) = await _publish(client, namespace, 1)
    handler = Recorder()
    assert await consume_batch(client, namespace, GROUP, "d", handler, block_ms=10, count=2) == 1
    assert handler.batches == [[envelope.id]] and await _pending(client, namespace) == {}


async def test_run_consumer_batches_by_count_retries_a_failed_batch_and_returns_on_stop(
    redis: tuple[Redis, str],
) -> None:
    client, namespace = redis
    envelopes = await _publish(client, namespace, 5)
    stop = asyncio.Event()
    batches: list[list[uuid.UUID]] = []

    async def handler(batch: list[EventEnvelope]) -> int:
        batches.append([e.id for e in batch])
        if len(batches) == 1:
            raise RuntimeError("first attempt fails")
        if sum(len(b) for b in batches[1:]) == len(envelopes):
            stop.set()
        return len(batch)

    await asyncio.wait_for(run_consumer(client, namespace, GROUP, "e", handler, stop, count=2, block_ms=10), 60)
    ids = [e.id for e in envelopes]
    assert batches == [ids[:2], ids[:2], ids[2:4], ids[4:]]
    assert await _pending(client, namespace) == {}
