"""What runs beside the HTTP API in `anken-worker run`."""

from __future__ import annotations

import asyncio

from anken_common.database import wait_for_database
from anken_worker.db import Resources


async def start_background(resources: Resources, stop: asyncio.Event) -> None:
    """Wait for the database, then run until `stop` is set."""
    await wait_for_database(resources.engine)
    await stop.wait()
