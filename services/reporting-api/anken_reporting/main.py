"""reporting-api app factory."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any

from fastapi import FastAPI

from anken_common.app_factory import create_service_app
from anken_common.health import database_and_redis_checks
from anken_common.lifespan import service_lifespan
from anken_common.logging import configure_logging
from anken_reporting.consumers.registry import discover_projections
from anken_reporting.consumers.runner import run_event_consumer
from anken_reporting.db import Resources
from anken_reporting.outbox.relay import outbox_relay
from anken_reporting.routers import discover_routers
from anken_reporting.settings import ReportingSettings, get_settings

DESCRIPTION = """
KPIs, portfolio, pace alerts, A/B statistics, appointment quality, pipeline analytics and
weekly reports of Anken, computed from read models that reporting-api keeps current from
projects-api's events (and can rebuild from projects-api's export).

Authenticate with `Authorization: Bearer <token>`: a user token from projects-api
`POST /v1/auth/token`, or a partner API key (`ak_…`, scope `read:kpis`). Rates are fractions
(`0.1234`) and `null` when their denominator is zero. Periods are `from` inclusive, `to`
exclusive, in the project's time zone. Errors are `application/problem+json` (RFC 9457).
"""


def create_app(settings: ReportingSettings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging("reporting-api", settings.log_level, settings.log_json)
    discover_projections()

    def background(resources: Resources, stop: asyncio.Event) -> list[Coroutine[Any, Any, None]]:
        loops = []
        if settings.event_consumer_enabled:
            loops.append(run_event_consumer(resources.sessionmaker, resources.redis, settings, stop))
        if settings.outbox_relay_enabled:
            relay = outbox_relay(resources.engine, resources.redis, settings.redis_namespace)
            loops.append(relay.run(stop, settings.outbox_relay_interval_s))
        return loops

    lifespan = service_lifespan(lambda: Resources(settings), background)

    app = create_service_app(
        service="reporting-api",
        title="Anken reporting-api",
        description=DESCRIPTION,
        ready_checks=lambda: database_and_redis_checks(app.state.resources),
        lifespan=lifespan,
        max_body_bytes=settings.max_body_bytes,
    )
    for router in discover_routers():
        app.include_router(router)
    return app
