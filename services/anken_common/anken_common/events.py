"""The event envelope and the catalogue of event types projects-api publishes.

This module is the contract between projects-api (producer, through its outbox),
reporting-api and integrations-worker (consumers). Payloads are snapshots of the
aggregate after the change, so a consumer never needs to ask back; `*.updated` and
`*.deleted` events for calls also carry `previous` so read models can subtract.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

EVENT_SCHEMA_VERSION = 1


class EventType(StrEnum):
    client_created = "client.created"
    client_updated = "client.updated"
    user_created = "user.created"
    user_updated = "user.updated"
    project_created = "project.created"
    project_updated = "project.updated"
    project_status_changed = "project.status_changed"
    assignment_created = "assignment.created"
    assignment_updated = "assignment.updated"
    assignment_deleted = "assignment.deleted"
    worked_hours_logged = "worked_hours.logged"
    daily_report_submitted = "daily_report.submitted"
    kickoff_item_updated = "kickoff_item.updated"
    contract_change_recorded = "contract_change.recorded"
    script_version_created = "script.version_created"
    target_list_imported = "target_list.imported"
    target_updated = "target.updated"
    call_logged = "call.logged"
    call_updated = "call.updated"
    call_deleted = "call.deleted"
    appointment_set = "appointment.set"
    appointment_updated = "appointment.updated"
    # One event per change of an appointment (event_payloads.AppointmentChangePayload).
    appointment_held = "appointment.held"
    appointment_no_show = "appointment.no_show"
    appointment_rescheduled = "appointment.rescheduled"
    appointment_cancelled = "appointment.cancelled"
    appointment_qualified = "appointment.qualified"
    appointment_unqualified = "appointment.unqualified"
    appointment_client_deal_reported = "appointment.client_deal_reported"
    pipeline_changed = "pipeline.changed"
    deal_created = "deal.created"
    deal_changed = "deal.changed"
    quota_set = "quota.set"
    # Emitted by reporting-api for the worker.
    pace_alert_raised = "pace_alert.raised"
    weekly_report_published = "weekly_report.published"
    # A client's person commented on a published weekly report (the director hears of it).
    weekly_report_commented = "weekly_report.commented"


# The events a client's partner may subscribe a webhook endpoint to: the worker validates subscriptions
# against these and the web offers them (tests/foundation/test_one_home_webhook_events.py keeps both equal).
PARTNER_WEBHOOK_EVENTS: tuple[EventType, ...] = (
    EventType.appointment_set, EventType.appointment_updated, EventType.appointment_held,
    EventType.appointment_no_show, EventType.appointment_rescheduled, EventType.appointment_cancelled,
    EventType.appointment_qualified, EventType.appointment_unqualified, EventType.appointment_client_deal_reported,
    EventType.weekly_report_published, EventType.project_status_changed,
)


class EventEnvelope(BaseModel):
    """One event as it travels from an outbox to every consumer."""

    id: uuid.UUID = Field(default_factory=uuid.uuid4, description="Unique; consumers dedupe by it")
    type: str = Field(description="An EventType value; unknown types are ignored by consumers")
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    tenant: uuid.UUID | None = Field(default=None, description="client_id the event belongs to, if any")
    aggregate_type: str
    aggregate_id: str
    sequence: int = Field(default=0, description="Outbox position; increases in commit order")
    payload: dict[str, Any] = Field(default_factory=dict)
    version: int = EVENT_SCHEMA_VERSION
    source: str = "projects-api"

    def to_json(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_json(cls, raw: str | bytes) -> EventEnvelope:
        return cls.model_validate_json(raw)


# Which column of an outbox table (`<schema>.outbox_events`, the same in every service) holds each
# envelope field; `version` and `source` are not stored (the schema version and the service's name).
OUTBOX_COLUMN_OF_FIELD: dict[str, str] = {
    "id": "event_id", "type": "type", "occurred_at": "occurred_at", "tenant": "tenant",
    "aggregate_type": "aggregate_type", "aggregate_id": "aggregate_id", "sequence": "id", "payload": "payload",
}
OUTBOX_COLUMNS: tuple[str, ...] = tuple(OUTBOX_COLUMN_OF_FIELD.values())


def envelope_from_outbox_row(row: Any, source: str = "projects-api") -> EventEnvelope:
    """The envelope of one outbox row (any object with the outbox columns as attributes)."""
    return EventEnvelope.model_validate(
        {field: getattr(row, column) for field, column in OUTBOX_COLUMN_OF_FIELD.items()} | {"source": source}
    )


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql_json_value(field: str, annotation: Any, column: str) -> tuple[str, str, str]:
    """The JSON of one envelope field held in `column`: (literal JSON before, a PostgreSQL text
    expression, literal JSON after).

    Every expression needs no escaping beyond what to_json does: a uuid's text, a number's text
    and a JSONB value's text are JSON as they are.
    """
    if annotation is uuid.UUID:
        return '"', column, '"'
    if annotation == uuid.UUID | None:
        return "", f"""COALESCE('"' || {column} || '"', 'null')""", ""
    if annotation in (str, datetime):
        return "", f"to_json({column})", ""
    if annotation is int or annotation == dict[str, Any]:
        return "", f"{column}::text", ""
    raise TypeError(f"EventEnvelope.{field}: no SQL form for {annotation!r}; add one to envelope_json_sql")


def envelope_json_sql(source: str = "projects-api", qualifier: str = "") -> str:
    """EventEnvelope.to_json as one PostgreSQL expression over an outbox row's columns (each
    prefixed by `qualifier`, e.g. "o." when joined), generated from EventEnvelope's fields in
    their order: an exporter can stream the database's bytes without Python building each event.

    EventEnvelope.from_json of its text equals envelope_from_outbox_row of the same row
    (tests/foundation/test_one_home_shared_plumbing.py). Concatenation rather than
    json_build_object, which is slower (bench/README.md).
    """
    parts: list[str] = []  # SQL expressions; literal JSON text gathers in `pending` between them
    pending = "{"
    for index, (field, info) in enumerate(EventEnvelope.model_fields.items()):
        pending += ("," if index else "") + json.dumps(field) + ":"
        column = OUTBOX_COLUMN_OF_FIELD.get(field)
        if column is None:
            value = source if field == "source" else info.get_default(call_default_factory=True)
            pending += json.dumps(value, default=json_default)
            continue
        before, expression, after = _sql_json_value(field, info.annotation, qualifier + column)
        parts += [_sql_literal(pending + before), expression]
        pending = after
    parts.append(_sql_literal(pending + "}"))
    return " || ".join(parts)


def events_stream(namespace: str) -> str:
    """The Redis Stream the outbox relay appends to; consumers read it with consumer groups."""
    return f"{namespace}:events"


def json_default(value: Any) -> Any:
    """json.dumps default for payload values (UUID, datetime, date, Decimal, enums)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    from decimal import Decimal

    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def to_payload(data: dict[str, Any]) -> dict[str, Any]:
    """Normalise a dict of Python values to plain JSON types for an event payload."""
    encoded: dict[str, Any] = json.loads(json.dumps(data, default=json_default))
    return encoded
