"""integrations-worker app factory: the HTTP API, and in its lifespan the arq worker, the event
consumer, the delivery sweeper and cron, all in one process (`anken-worker run`)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from fastapi import FastAPI

from anken_common.app_factory import create_service_app
from anken_common.health import database_and_redis_checks
from anken_common.lifespan import service_lifespan
from anken_common.logging import configure_logging
from anken_worker.db import Resources
from anken_worker.routers import discover_routers
from anken_worker.runtime import start_background
from anken_worker.settings import WorkerSettings, get_settings

DESCRIPTION = """
The integrations-worker connects Anken to Slack, Confluence, Google Sheets and partner webhooks,
and keeps a delivery log of every external call (retries, dead letters, redrive).

Authenticate with `Authorization: Bearer <token>`: a user token (admin or director) from
projects-api's `POST /v1/auth/token`, or a service token. Slack's own requests to
`/slack/commands` and `/slack/interactions` are verified by their signature instead.
Errors are `application/problem+json` (RFC 9457). Lists answer `{items, next_cursor}`.
"""


def create_app(settings: WorkerSettings | None = None, *, background: bool = True) -> FastAPI:
    """The worker's app; `background=False` serves the API only (tests of the API alone)."""
    settings = settings or get_settings()
    configure_logging("integrations-worker", settings.log_level, settings.log_json)

    def loops(resources: Resources, stop: asyncio.Event) -> list[Coroutine[Any, Any, None]]:
        return [start_background(resources, stop)] if background else []

    # start_background waits for the database itself (the delivery processes run it alone).
    lifespan = service_lifespan(lambda: Resources(settings), loops, wait_for_db=False)

    app = create_service_app(
        service="integrations-worker",
        title="Anken integrations-worker",
        description=DESCRIPTION,
        ready_checks=lambda: database_and_redis_checks(app.state.resources),
        lifespan=lifespan,
        max_body_bytes=settings.max_body_bytes,
    )
    for router in discover_routers():
        app.include_router(router)
    return app
