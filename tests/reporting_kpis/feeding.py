"""Applying envelopes the way the live consumer does (one transaction each)."""

from __future__ import annotations

from anken_common.events import EventEnvelope
from anken_reporting.consumers.runner import make_handler
from anken_reporting.db import Resources


async def feed(resources: Resources, *envelopes: EventEnvelope) -> None:
    handle = make_handler(resources.sessionmaker, resources.settings)
    for item in envelopes:
        await handle(item)


async def feed_batches(resources: Resources, envelopes: list[EventEnvelope], size: int) -> None:
    """Apply in batches, one transaction each, as the live consumer does with a stream read."""
    from anken_reporting.consumers.runner import make_batch_handler

    handle_batch = make_batch_handler(resources.sessionmaker, resources.settings)
    for i in range(0, len(envelopes), size):
        assert await handle_batch(envelopes[i:i + size]) == len(envelopes[i:i + size])
