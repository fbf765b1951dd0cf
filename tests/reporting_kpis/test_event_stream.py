"""Events published to the Redis stream reach the read models through the consumer group."""

from __future__ import annotations

import asyncio
from datetime import date

from anken_common.event_stream import publish
from anken_common.problems import NotFound
from anken_reporting.consumers.runner import run_event_consumer
from anken_reporting.kpis.service import project_kpis

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
