"""projects-api app factory."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from fastapi import FastAPI

from anken_common.app_factory import create_service_app
from anken_common.health import database_and_redis_checks
from anken_common.lifespan import service_lifespan
from anken_common.logging import configure_logging
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

    def background(resources: Resources, stop: asyncio.Event) -> list[Coroutine[Any, Any, None]]:
        loops = [run_call_floor_maintenance(resources.engine, stop)]
        if settings.outbox_relay_enabled:
            relay = outbox_relay(resources.engine, resources.redis, settings.redis_namespace)
            loops.append(relay.run(stop, settings.outbox_relay_interval_s))
        return loops

    # stop_import_jobs: each records itself cancelled before the engine closes.
    lifespan = service_lifespan(lambda: Resources(settings), background, before_close=stop_import_jobs, freeze_gc=True)

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
