"""Events published to the Redis stream reach the read models through the consumer group."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from datetime import date

import pytest

from anken_common.event_stream import consume_batch, ensure_group, publish
from anken_common.events import EventEnvelope, events_stream
from anken_common.problems import NotFound
from anken_reporting.consumers.runner import CONSUMER_GROUP, run_event_consumer
from anken_reporting.kpis.service import project_kpis
from anken_reporting.settings import ReportingSettings

from .builders import ProjectWorld
from .test_project_kpis import tokyo


async def test_published_events_are_applied_once(resources, settings) -> None:
    world = ProjectWorld()
    logged = world.call(tokyo(2026, 11, 24), "connected_followup")
    events = [*world.setup(), logged, world.call(tokyo(2026, 11, 24), "appointment"), logged,
              world.call_change("call.updated", logged, outcome="appointment")]
    for envelope in events:
        await publish(resources.redis, settings.redis_namespace, envelope)
    stop = asyncio.Event()
    consumer = asyncio.create_task(run_event_consumer(resources.sessionmaker, resources.redis, settings, stop))
    try:
        for _ in range(100):
            async with resources.sessionmaker() as session:
                try:
                    result = await project_kpis(session, world.project_id, date(2026, 11, 24), date(2026, 11, 25),
                                                as_of=date(2026, 11, 24))
                except NotFound:  # the project event has not been applied yet
                    result = None
            if result is not None and result.appointments == 2:
                break
            await asyncio.sleep(0.1)
    finally:
        stop.set()
        await asyncio.wait_for(consumer, 10)
    assert result is not None
    assert (result.calls, result.contacts, result.appointments) == (2, 2, 2)


async def _kpis_or_none(resources, world: ProjectWorld):
    async with resources.sessionmaker() as session:
        try:
            return await project_kpis(session, world.project_id, date(2026, 11, 24), date(2026, 11, 25),
                                      as_of=date(2026, 11, 24))
        except NotFound:  # the project event has not been applied (yet)
            return None


async def _consume_until(resources, settings, done: Callable[[], Awaitable[bool]]) -> None:
    """Run the live consumer until `done()` holds (a generous bound: it only guards against a hang)."""
    stop = asyncio.Event()
    consumer = asyncio.create_task(run_event_consumer(resources.sessionmaker, resources.redis, settings, stop))
    try:
        async with asyncio.timeout(120):
            while not await done():
                assert not consumer.done(), consumer
                await asyncio.sleep(0.05)
    finally:
        stop.set()
        await asyncio.wait_for(consumer, 30)


async def test_a_batch_a_dead_consumer_left_pending_is_taken_over_once_idle(resources, settings) -> None:
    """Consumers are named after the host: a restarted container consumes under a new name, and
    takes over what its dead predecessor left pending once that has been idle consumer_claim_idle_s."""
    assert ReportingSettings.model_fields["consumer_claim_idle_s"].default == 60.0
    namespace = f"{settings.redis_namespace}:takeover-{uuid.uuid4().hex[:8]}"
    stream = events_stream(namespace)
    redis = resources.redis
    left, later = ProjectWorld(), ProjectWorld()
    left_events = [*left.setup(), left.call(tokyo(2026, 11, 24), "appointment")]
    await ensure_group(redis, namespace, CONSUMER_GROUP)
    try:
        for envelope in left_events:
            await publish(redis, namespace, envelope)

        async def killed(batch: list[EventEnvelope]) -> int:
            raise RuntimeError("the container was killed mid-batch")

        with pytest.raises(RuntimeError):
            await consume_batch(redis, namespace, CONSUMER_GROUP, "reporting-dead-container", killed, block_ms=10)
        dead = {"name": b"reporting-dead-container", "pending": len(left_events)}
        assert (await redis.xpending(stream, CONSUMER_GROUP))["consumers"] == [dead]

        # Not yet idle long enough: the new consumer handles new events and leaves the batch to its owner.
        for envelope in later.setup():
            await publish(redis, namespace, envelope)
        patient = settings.model_copy(update={"redis_namespace": namespace, "consumer_claim_idle_s": 3600.0})

        async def later_applied() -> bool:
            return await _kpis_or_none(resources, later) is not None

        await _consume_until(resources, patient, later_applied)
        assert (await redis.xpending(stream, CONSUMER_GROUP))["consumers"] == [dead]
        assert await _kpis_or_none(resources, left) is None

        # Idle past the setting: the batch is claimed and applied, and nothing is left pending.
        idle_s = 0.2
        await asyncio.sleep(idle_s * 2)
        successor = settings.model_copy(update={"redis_namespace": namespace, "consumer_claim_idle_s": idle_s})

        async def left_applied() -> bool:
            result = await _kpis_or_none(resources, left)
            return result is not None and result.appointments == 1

        await _consume_until(resources, successor, left_applied)
        assert (await redis.xpending(stream, CONSUMER_GROUP))["pending"] == 0
    finally:
        await redis.delete(stream)
