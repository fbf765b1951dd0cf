"""projects-api app factory."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from anken_common.app_factory import create_service_app
from anken_common.database import wait_for_database
from anken_common.health import database_and_redis_checks
from anken_common.logging import configure_logging
from anken_common.stopping import cancel_and_wait
from anken_projects.calls.maintenance import run_call_floor_maintenance
from anken_projects.db import Resources
from anken_projects.kit.db_errors import install_db_error_handlers
from anken_projects.outbox.relay import outbox_relay
from anken_projects.routers import discover_routers
from anken_projects.settings import ProjectsSettings, get_settings
from anken_projects.targets.import_jobs import stop_all as stop_import_jobs

DESCRIPTION = """
The registry and source of truth of Anken: clients, users, projects, assignments, scripts,
target lists, calls, appointments, deals and quotas, plus the partner API.

Authenticate with `Authorization: Bearer <token>`: a user token from `POST /v1/auth/token`,
or a partner API key (`ak_…`). Errors are `application/problem+json` (RFC 9457); validation
errors are 422 and name each field in `errors[].field`. Lists answer `{items, next_cursor}`.
"""


def create_app(settings: ProjectsSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging("projects-api", settings.log_level, settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        resources = Resources(settings)
        app.state.resources = resources
        stop = asyncio.Event()
        tasks: list[asyncio.Task] = []

        async def start_background() -> None:
            await wait_for_database(resources.engine)
            tasks.append(asyncio.create_task(run_call_floor_maintenance(resources.engine, stop)))
            if settings.outbox_relay_enabled:
                tasks.append(asyncio.create_task(
                    outbox_relay(resources.engine, resources.redis, settings.redis_namespace).run(
                        stop, settings.outbox_relay_interval_s
                    )
                ))

        starter = asyncio.create_task(start_background())
        # Everything imported and built so far lives as long as the process. Frozen, it is left out of
        # the cyclic collector's full passes, which otherwise walk every object alive each time: a bulk
        # of 10,000 calls triggered two of them (their cost: bench/README.md), and any request may pay for one.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            stop.set()
            await cancel_and_wait((starter, *tasks))
            await stop_import_jobs()  # each records itself cancelled before the engine closes
            await resources.close()

    app = create_service_app(
        service="projects-api",
        title="Anken projects-api",
        description=DESCRIPTION,
        ready_checks=lambda: database_and_redis_checks(app.state.resources),
        lifespan=lifespan,
        max_body_bytes=settings.max_body_bytes,
    )
    install_db_error_handlers(app)
    for router in discover_routers():
        app.include_router(router)
    return app
