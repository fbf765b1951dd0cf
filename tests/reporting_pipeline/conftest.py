"""In-process reporting-api for the pipeline and forecast tests, with events applied by hand."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager

from anken_common.auth_tokens import issue_service_token, issue_user_token
from anken_common.events import EventEnvelope
from anken_reporting.consumers.apply import apply_event
from anken_reporting.db import Resources
from anken_reporting.main import create_app
from anken_reporting.settings import ReportingSettings

_sequence = itertools.count(int(datetime.now(UTC).timestamp() * 1000))


def reporting_settings(service_env: dict[str, str]) -> ReportingSettings:
    return ReportingSettings(
        database_url=service_env["DATABASE_URL"], redis_url=service_env["REDIS_URL"],
        redis_namespace=service_env["REDIS_NAMESPACE"], anken_secret_key=service_env["ANKEN_SECRET_KEY"],
        anken_env="test", log_level="WARNING", event_consumer_enabled=False, outbox_relay_enabled=False,
        user_status_check=False,  # tokens here name users that exist only in events
    )


@pytest.fixture(scope="session")
def pipeline_settings(service_env: dict[str, str]) -> ReportingSettings:
    return reporting_settings(service_env)


@pytest.fixture(scope="session")
async def pipeline_app(pipeline_settings: ReportingSettings) -> AsyncIterator[tuple[httpx.AsyncClient, Resources]]:
    app = create_app(pipeline_settings)
    async with LifespanManager(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://reporting.test"
    ) as client:
        yield client, app.state.resources


def user_headers(settings: ReportingSettings, role: str = "manager", user_id: uuid.UUID | None = None) -> dict[str, str]:
    token = issue_user_token(settings.anken_secret_key, str(user_id or uuid.uuid4()), role)
    return {"Authorization": f"Bearer {token}"}


def service_headers(settings: ReportingSettings) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_service_token(settings.anken_secret_key, 'integrations-worker')}"}


def envelope(type_: str, aggregate_type: str, aggregate_id: Any, payload: dict[str, Any],
             occurred_at: datetime | None = None, sequence: int | None = None) -> EventEnvelope:
    return EventEnvelope(
        type=type_, aggregate_type=aggregate_type, aggregate_id=str(aggregate_id),
        sequence=next(_sequence) if sequence is None else sequence,
        occurred_at=occurred_at or datetime.now(UTC), payload=payload,
    )


async def apply_all(resources: Resources, *envelopes: EventEnvelope) -> list[bool]:
    results = []
    async with resources.sessionmaker() as session, session.begin():
        for item in envelopes:
            results.append(await apply_event(session, item))
    return results
