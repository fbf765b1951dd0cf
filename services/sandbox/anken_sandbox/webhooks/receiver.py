"""Partner endpoints and what they received: each delivery verified per Standard Webhooks
(webhook-id, webhook-timestamp within 5 minutes, one or more `v1,<sig>`), replays rejected."""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from standardwebhooks import Webhook
from standardwebhooks.webhooks import EmptyWebhookSecretError, WebhookVerificationError

from anken_sandbox.field_values import field_values
from anken_sandbox.sequence import Sequence

# Messages from standardwebhooks that mean the request itself is malformed (400), not unauthentic (401).
MALFORMED = ("Missing required headers", "Invalid Signature Headers")
# One signature entry: "v<version>,<base64>". Checked here because standardwebhooks 1.3 compares
# malformed entries as strings ("No matching signature found", 401) where 1.1 raised on them.
_SIGNATURE_ENTRY = re.compile(r"v\d+,[A-Za-z0-9+/]+={0,2}")


def malformed_signature(header: str | None) -> bool:
    """Whether a webhook-signature header has an entry that is not `v<n>,<base64>`."""
    if not header:
        return False  # missing: the library's "Missing required headers"
    for entry in header.split(" "):
        if not _SIGNATURE_ENTRY.fullmatch(entry):
            return True
        try:
            base64.b64decode(entry.split(",", 1)[1], validate=True)
        except binascii.Error:
            return True
    return False


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def valid_secret(secret: str) -> bool:
    try:
        Webhook(secret)
    except (ValueError, RuntimeError, EmptyWebhookSecretError):  # bad base64, wrong type, empty
        return False
    return True


@dataclass
class Endpoint:
    id: str
    secret: str
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    # webhook-id → the webhook-timestamp it was first verified with
    seen: dict[str, str] = field(default_factory=dict)


@dataclass
class Received:
    seq: int
    endpoint_id: str
    webhook_id: str | None
    webhook_timestamp: str | None
    event_type: str | None
    payload: Any
    verified: bool
    status: int
    reason: str | None
    duplicate: bool = False
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    def as_api(self) -> dict[str, Any]:
        return {
            "seq": self.seq, "endpoint_id": self.endpoint_id, "webhook_id": self.webhook_id,
            "webhook_timestamp": self.webhook_timestamp, "type": self.event_type, "payload": self.payload,
            "verified": self.verified, "status": self.status, "reason": self.reason, "duplicate": self.duplicate,
            "received_at": self.received_at.isoformat(),
        }


class WebhookReceiver:
    def __init__(self) -> None:
        self.endpoints: dict[str, Endpoint] = {}
        self.received: list[Received] = []
        self._seq = Sequence(1)

    def add_endpoint(self, secret: str | None) -> Endpoint:
        endpoint = Endpoint(f"ep_{secrets.token_hex(8)}", secret or new_secret())
        self.endpoints[endpoint.id] = endpoint
        return endpoint

    def deliver(self, endpoint: Endpoint, body: bytes, headers: dict[str, str]) -> Received:
        """Verify and record one delivery; the returned record's status is the HTTP answer (204/200/400/401/409).

        A byte-identical re-send (same webhook-id and timestamp) is a replay and is rejected (409). The same
        webhook-id with a fresh timestamp and signature is the sender retrying, as the specification intends:
        acknowledged (200) but marked duplicate, i.e. not processed a second time."""
        lowered = {k.lower(): v for k, v in headers.items()}
        webhook_id = lowered.get("webhook-id")
        timestamp = lowered.get("webhook-timestamp")
        status, reason, duplicate = 204, None, False
        try:
            if malformed_signature(lowered.get("webhook-signature")):
                raise ValueError("malformed webhook-signature entry")
            Webhook(endpoint.secret).verify(body.decode("utf-8"), lowered, json_parse=False)
        except WebhookVerificationError as exc:
            status, reason = (400 if str(exc) in MALFORMED else 401), str(exc)
        except (ValueError, binascii.Error, UnicodeDecodeError):
            # a signature entry without "v1," or with bad base64, or a body that is not UTF-8
            status, reason = 400, "Invalid Signature Headers"
        if status == 204 and webhook_id in endpoint.seen:
            if endpoint.seen[webhook_id] == timestamp:
                status, reason = 409, "replayed webhook-id"
            else:
                status, reason, duplicate = 200, "duplicate webhook-id: already received, not processed again", True
        if status == 204 and webhook_id and timestamp:
            endpoint.seen[webhook_id] = timestamp
        payload: Any
        try:
            payload = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            payload = body.decode("utf-8", errors="replace")
        record = Received(
            seq=next(self._seq), endpoint_id=endpoint.id, webhook_id=webhook_id,
            webhook_timestamp=timestamp,
            event_type=payload.get("type") if isinstance(payload, dict) and isinstance(payload.get("type"), str) else None,
            payload=payload, verified=status in (200, 204), status=status, reason=reason, duplicate=duplicate,
        )
        self.received.append(record)
        return record

    # saved state (SANDBOX_STATE_FILE) ---------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Endpoints with their secrets and the webhook-ids they saw (replays stay replays), and every delivery."""
        return {
            "endpoints": [{**field_values(e), "created_at": e.created_at.isoformat(), "seen": dict(e.seen)}
                          for e in self.endpoints.values()],
            "received": [{**field_values(r), "received_at": r.received_at.isoformat()} for r in self.received],
            "next_seq": self._seq.next_value,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WebhookReceiver:
        receiver = cls()
        for fields in data["endpoints"]:
            endpoint = Endpoint(**{**fields, "created_at": datetime.fromisoformat(fields["created_at"])})
            receiver.endpoints[endpoint.id] = endpoint
        receiver.received = [Received(**{**fields, "received_at": datetime.fromisoformat(fields["received_at"])})
                             for fields in data["received"]]
        receiver._seq = Sequence(int(data["next_seq"]))
        return receiver
