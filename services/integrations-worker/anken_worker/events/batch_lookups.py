"""Reads shared by the events of one consumed batch: a batch of appointments costs one query for
its projects and one for its clients' webhook endpoints, not two round trips per event (each
round trip waits for a turn of an event loop busy with deliveries)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from anken_common.events import EventEnvelope, EventType
from anken_worker.projects_state import repository as projects
from anken_worker.webhook_endpoints import repository as endpoints_repo

WEBHOOK_EVENTS = frozenset({
    EventType.appointment_set, EventType.appointment_updated, EventType.weekly_report_published,
    EventType.project_status_changed, EventType.appointment_held, EventType.appointment_no_show,
    EventType.appointment_rescheduled, EventType.appointment_cancelled, EventType.appointment_qualified,
    EventType.appointment_unqualified, EventType.appointment_client_deal_reported,
})


def _uuid(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


class BatchLookups:
    def __init__(self, envelopes: list[EventEnvelope]) -> None:
        self._project_ids = {
            pid for e in envelopes if e.type == EventType.appointment_set
            if (pid := _uuid((e.payload or {}).get("project_id"))) is not None
        }
        self._client_ids = {
            cid for e in envelopes if e.type in WEBHOOK_EVENTS
            if (cid := _uuid((e.payload or {}).get("client_id")) or e.tenant) is not None
        }
        self._projects: dict[uuid.UUID, dict[str, Any]] | None = None
        self._endpoints: dict[uuid.UUID, list[dict[str, Any]]] | None = None

    def project_state_changed(self) -> None:
        """An event of the batch wrote project state: later events read it afresh."""
        self._projects = None

    async def project(self, conn: AsyncConnection, project_id: uuid.UUID | None) -> dict[str, Any] | None:
        if project_id is None or project_id not in self._project_ids:
            return await projects.get(conn, project_id)
        if self._projects is None:
            rows = await projects.get_many(conn, self._project_ids, documents=False)
            self._projects = {r["project_id"]: r for r in rows}
        return self._projects.get(project_id)

    async def endpoints(self, conn: AsyncConnection, client_id: uuid.UUID, event_type: str) -> list[dict[str, Any]]:
        """The client's active endpoints subscribed to `event_type`, oldest first (as repository.for_event)."""
        if client_id not in self._client_ids:
            return await endpoints_repo.for_event(conn, client_id, event_type)
        if self._endpoints is None:
            self._endpoints = {}
            for row in await endpoints_repo.active_for_clients(conn, self._client_ids):
                self._endpoints.setdefault(row["client_id"], []).append(row)
        return [e for e in self._endpoints.get(client_id, []) if event_type in (e.get("events") or [])]
