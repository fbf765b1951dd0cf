"""An in-process reporting-api with a project whose weeks 2026-W46 and W47 are fed as events."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI

from anken_common.auth_tokens import issue_user_token
from anken_common.events import EventEnvelope
from anken_reporting.consumers.runner import make_handler
from anken_reporting.db import Resources
from anken_reporting.main import create_app
from anken_reporting.settings import ReportingSettings

JST = timezone(timedelta(hours=9))
_sequence = itertools.count(int(datetime.now(UTC).timestamp() * 1000) + 10_000_000)


def envelope(type_: str, aggregate_type: str, aggregate_id: Any, payload: dict[str, Any]) -> EventEnvelope:
    return EventEnvelope(type=type_, aggregate_type=aggregate_type, aggregate_id=str(aggregate_id),
                         sequence=next(_sequence), payload=payload)


@dataclass
class ReportWorld:
    client: httpx.AsyncClient
    resources: Resources
    settings: ReportingSettings
    app: FastAPI
    project_id: uuid.UUID = field(default_factory=uuid.uuid4)
    client_id: uuid.UUID = field(default_factory=uuid.uuid4)
    director_id: uuid.UUID = field(default_factory=uuid.uuid4)
    members: dict[str, uuid.UUID] = field(default_factory=dict)

    def headers(self, role: str = "director", user_id: uuid.UUID | None = None) -> dict[str, str]:
        subject = user_id or (self.director_id if role == "director" else uuid.uuid4())
        return {"Authorization": f"Bearer {issue_user_token(self.settings.anken_secret_key, str(subject), role)}"}

    async def feed(self, *envelopes: EventEnvelope) -> None:
        handle = make_handler(self.resources.sessionmaker, self.settings)
        for item in envelopes:
            await handle(item)

    def call(self, member: str, day: date, outcome: str, *, hour: int = 10, variant: str | None = None,
             first: bool = True) -> EventEnvelope:
        call_id = uuid.uuid4()
        return envelope("call.logged", "call", call_id, {
            "id": str(call_id), "project_id": str(self.project_id), "client_id": str(self.client_id),
            "member_id": str(self.members[member]), "target_id": str(uuid.uuid4()), "target_industry": "IT",
            "first_call_of_target": first, "occurred_at": datetime(day.year, day.month, day.day, hour, tzinfo=JST).isoformat(),
            "outcome": outcome, "duration_s": 60, "variant": variant,
        })


def reporting_settings(service_env: dict[str, str]) -> ReportingSettings:
    return ReportingSettings(
        database_url=service_env["DATABASE_URL"], redis_url=service_env["REDIS_URL"],
        redis_namespace=service_env["REDIS_NAMESPACE"], anken_secret_key=service_env["ANKEN_SECRET_KEY"],
        anken_env="test", log_level="WARNING", event_consumer_enabled=False, outbox_relay_enabled=False,
        reporting_api_url="http://reporting.test", web_url="http://web.test",
        user_status_check=False,  # tokens here name users that exist only in events
    )


@pytest.fixture(scope="session")
async def reports_app(
    service_env: dict[str, str],
) -> AsyncIterator[tuple[httpx.AsyncClient, Resources, ReportingSettings, FastAPI]]:
    settings = reporting_settings(service_env)
    app = create_app(settings)
    async with LifespanManager(app), httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://reporting.test"
    ) as client:
        yield client, app.state.resources, settings, app


W46 = [date(2026, 11, 9) + timedelta(days=i) for i in range(7)]
W47 = [date(2026, 11, 16) + timedelta(days=i) for i in range(7)]


@pytest.fixture(scope="module")
async def world(reports_app) -> ReportWorld:
    client, resources, settings, app = reports_app
    w = ReportWorld(client, resources, settings, app)
    w.members = {"山田 太郎": uuid.uuid4(), "佐藤 花子": uuid.uuid4()}
    events = [envelope("project.created", "project", w.project_id, {
        "id": str(w.project_id), "client_id": str(w.client_id), "client_name": "株式会社サンプル",
        "director_id": str(w.director_id), "name": "クラウド会計 新規開拓", "status": "active",
        "timezone": "Asia/Tokyo", "monthly_appointment_target": 40,
    })]
    for name, member_id in w.members.items():
        events.append(envelope("assignment.created", "assignment", uuid.uuid4(), {
            "id": str(uuid.uuid4()), "project_id": str(w.project_id), "member_id": str(member_id),
            "member_name": name, "planned_hours": 80,
        }))
    events.append(envelope("target_list.imported", "target_list", uuid.uuid4(), {
        "id": str(uuid.uuid4()), "project_id": str(w.project_id), "client_id": str(w.client_id), "name": "IT企業リスト",
        "created": 500, "total_targets": 500, "callable_targets": 500,
    }))
    # Last week (W46): 山田 6 calls (3 contacts, 1 appointment) on Tuesday.
    for outcome in ("no_answer", "no_answer", "absent", "connected_rejected", "connected_followup", "appointment"):
        events.append(w.call("山田 太郎", W46[1], outcome, variant="A"))
    # This week (W47): Monday 山田 A-pattern 5 calls; Wednesday 佐藤 B-pattern 5 calls; Friday 山田 one more.
    for outcome in ("appointment", "appointment", "connected_rejected", "no_answer", "gatekeeper_block"):
        events.append(w.call("山田 太郎", W47[0], outcome, variant="A"))
    for outcome in ("appointment", "connected_followup", "connected_rejected", "connected_rejected", "no_answer"):
        events.append(w.call("佐藤 花子", W47[2], outcome, variant="B"))
    events.append(w.call("山田 太郎", W47[4], "absent", hour=23, first=False))
    for name, day, hours in (("山田 太郎", W47[0], 4.0), ("山田 太郎", W47[4], 2.0), ("佐藤 花子", W47[2], 5.0)):
        events.append(envelope("worked_hours.logged", "worked_hours", f"{w.project_id}:{name}:{day}", {
            "project_id": str(w.project_id), "member_id": str(w.members[name]), "day": day.isoformat(), "hours": hours,
        }))
    appointment_id = uuid.uuid4()
    events.append(envelope("appointment.set", "appointment", appointment_id, {
        "id": str(appointment_id), "project_id": str(w.project_id), "client_id": str(w.client_id),
        "member_id": str(w.members["山田 太郎"]), "target_id": str(uuid.uuid4()), "company_name": "株式会社テスト",
        "meeting_at": datetime(2026, 11, 25, 14, tzinfo=JST).isoformat(), "handoff_status": "held",
        "partner_outcome": "qualified", "set_at": datetime(2026, 11, 16, 10, 5, tzinfo=JST).isoformat(),
    }))
    await w.feed(*events)
    return w
