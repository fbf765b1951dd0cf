"""Worker test helpers (imported by the tests; fixtures live in conftest.py): build and publish events,
read the delivery log and the sandbox."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import httpx

from anken_common.auth_tokens import issue_user_token
from anken_common.events import EventEnvelope, events_stream

WORKER_ENV = {
    "LOCK_TTL_S": "3", "BACKOFF_BASE_S": "0.2", "BACKOFF_CAP_S": "4", "SWEEPER_INTERVAL_S": "0.5",
    "CRON_ENABLED": "0", "DELIVERY_MAX_ATTEMPTS": "10", "CONSUMER_NAME": "worker-under-test",
    "SLACK_SIGNING_SECRET": "test-signing-secret", "HTTP_TIMEOUT_S": "2",
}


class Events:
    """Builds projects-api-shaped events for one test, with increasing sequence numbers."""

    def __init__(self) -> None:
        self.sequence = int(time.time() * 1000)

    def envelope(self, type_: str, aggregate_type: str, aggregate_id, payload: dict, tenant=None,
                 event_id: uuid.UUID | None = None) -> EventEnvelope:
        self.sequence += 1
        return EventEnvelope(id=event_id or uuid.uuid4(), type=type_, aggregate_type=aggregate_type,
                             aggregate_id=str(aggregate_id), tenant=tenant, sequence=self.sequence,
                             payload=json.loads(json.dumps(payload, default=str)))

    def user(self, role: str = "member", name: str = "山田 太郎") -> tuple[uuid.UUID, EventEnvelope]:
        uid = uuid.uuid4()
        return uid, self.envelope("user.created", "user", uid, {
            "id": uid, "email": f"{role}-{uid.hex[:8]}@demo.anken.jp", "name": name, "role": role})

    def project(self, project_id, client_id, director_id, status: str, name: str, previous: str | None = None,
                type_: str = "project.status_changed") -> EventEnvelope:
        return self.envelope(type_, "project", project_id, {
            "id": project_id, "client_id": client_id, "client_name": "株式会社サンプル", "director_id": director_id,
            "name": name, "product": "クラウド会計", "status": status, "previous_status": previous,
            "monthly_appointment_target": 20, "contracted_monthly_hours": 160,
            "qualification_fields": ["予算", "決裁者", "導入時期"],
        }, tenant=client_id)

    def assignment(self, project_id, member_id, name: str) -> EventEnvelope:
        aid = uuid.uuid4()
        return self.envelope("assignment.created", "assignment", aid, {
            "id": aid, "project_id": project_id, "member_id": member_id, "member_name": name, "planned_hours": 80})

    def appointment(self, project_id, client_id, member_id, company: str) -> EventEnvelope:
        aid = uuid.uuid4()
        now = datetime.now(UTC)
        return self.envelope("appointment.set", "appointment", aid, {
            "id": aid, "project_id": project_id, "client_id": client_id, "member_id": member_id,
            "member_name": "山田 太郎", "target_id": uuid.uuid4(), "company_name": company, "contact_name": "佐藤",
            "contact_title": "情報システム部長", "meeting_at": now + timedelta(days=3),
            "qualification": {"budget": "あり", "timeline": "来期"}, "set_at": now,
        }, tenant=client_id)


async def publish(redis_client, namespace: str, *envelopes: EventEnvelope) -> None:
    for envelope in envelopes:
        await redis_client.xadd(events_stream(namespace), {"envelope": envelope.to_json()})


async def wait_until(check: Callable[[], Awaitable], within_s: float = 60, interval: float = 0.25, what: str = ""):
    deadline = time.monotonic() + within_s
    last = None
    while time.monotonic() < deadline:
        last = await check()
        if last:
            return last
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out after {within_s}s waiting for {what or check}: last={last!r}")


async def open_deliveries(db, project_id) -> int:
    return await db.fetchval(
        "SELECT count(*) FROM integrations.deliveries WHERE project_id=$1 AND status IN ('pending','retrying')",
        project_id)


async def deliveries_of(db, project_id) -> list[dict]:
    rows = await db.fetch("SELECT * FROM integrations.deliveries WHERE project_id=$1 ORDER BY seq", project_id)
    return [dict(r) for r in rows]


async def sandbox_items(sandbox_url: str, path: str, **params) -> list[dict]:
    items: list[dict] = []
    cursor = None
    async with httpx.AsyncClient(base_url=sandbox_url, timeout=10) as client:
        while True:
            query = {"limit": 1000, **params, **({"cursor": cursor} if cursor else {})}
            body = (await client.get(f"/_sandbox/{path}", params=query)).raise_for_status().json()
            items += body["items"]
            cursor = body.get("next_cursor")
            if not cursor:
                return items


async def kick_off(redis_client, namespace: str, events: Events, name: str, members: int = 1):
    """Publish a director, members, a project and its kickoff; returns (project_id, client_id, member_ids)."""
    director_id, director = events.user("director", "鈴木 ディレクター")
    project_id, client_id = uuid.uuid4(), uuid.uuid4()
    envelopes = [director, events.project(project_id, client_id, director_id, "draft", name, type_="project.created")]
    member_ids = []
    for i in range(members):
        member_id, member = events.user("member", f"メンバー{i}")
        member_ids.append(member_id)
        envelopes += [member, events.assignment(project_id, member_id, f"メンバー{i}")]
    envelopes.append(events.project(project_id, client_id, director_id, "kickoff", name, previous="draft"))
    await publish(redis_client, namespace, *envelopes)
    return project_id, client_id, member_ids, envelopes


def admin_headers(service_env) -> dict[str, str]:
    token = issue_user_token(service_env["ANKEN_SECRET_KEY"], str(uuid.uuid4()), "admin")
    return {"Authorization": f"Bearer {token}"}
