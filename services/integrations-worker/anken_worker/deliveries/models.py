"""A delivery: one external call the worker owes, with everything needed to make it again."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Integration(StrEnum):
    slack = "slack"
    confluence = "confluence"
    sheets = "sheets"
    webhook = "webhook"


class DeliveryStatus(StrEnum):
    pending = "pending"
    retrying = "retrying"
    succeeded = "succeeded"
    dead = "dead"
    skipped = "skipped"


OPEN_STATUSES = (DeliveryStatus.pending.value, DeliveryStatus.retrying.value)
FINAL_STATUSES = frozenset({DeliveryStatus.succeeded, DeliveryStatus.dead, DeliveryStatus.skipped})


def webhook_order_key(endpoint_id: uuid.UUID | str) -> str:
    """The order key of a webhook endpoint's deliveries: one drain per endpoint, and the delivery log's filter."""
    return f"webhook:{endpoint_id}"


def payload_hash(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


@dataclass(frozen=True)
class DeliveryPlan:
    """A delivery to be recorded; `key` is derived from the source event id and the action,
    so planning the same event twice plans the same delivery once."""

    key: str
    integration: Integration
    action: str
    order_key: str
    payload: dict[str, Any]
    target: str = ""
    project_id: uuid.UUID | None = None
    client_id: uuid.UUID | None = None
    source_event_id: uuid.UUID | None = None
    source_event_type: str | None = None


@dataclass
class Delivery:
    id: uuid.UUID
    seq: int
    idempotency_key: str
    integration: str
    action: str
    target: str
    order_key: str
    project_id: uuid.UUID | None
    client_id: uuid.UUID | None
    source_event_id: uuid.UUID | None
    source_event_type: str | None
    payload: dict[str, Any]
    payload_hash: str
    status: str
    attempts: int
    last_error: str | None
    response_excerpt: str | None
    external_ref: str | None
    next_attempt_at: datetime
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    progress: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: Any) -> Delivery:
        return cls(**dict(row._mapping))

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class Outcome:
    """What a successful call left behind: e.g. a Slack message ts or a page id, and a response excerpt."""

    external_ref: str | None = None
    excerpt: str | None = None
    target: str | None = None
