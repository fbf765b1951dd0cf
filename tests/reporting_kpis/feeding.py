"""Applying envelopes the way the live consumer does (one transaction each)."""

from __future__ import annotations

from anken_common.events import EventEnvelope
from anken_reporting.consumers.runner import make_handler
from anken_reporting.db import Resources


async def feed(resources: Resources, *envelopes: EventEnvelope) -> None:
    handle = make_handler(resources.sessionmaker, resources.settings)
    for item in envelopes:
        await handle(item)
