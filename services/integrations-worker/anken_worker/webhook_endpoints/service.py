"""Webhook endpoints: create (secret shown once), rotate, test-send, and the deliveries an event owes."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any, Protocol
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncConnection

from anken_common.outbound_guard import OutboundPolicy, OutboundRefused
from anken_common.problems import NotFound, UnprocessableEntity
from anken_worker.adapters.webhooks.signing import new_secret
from anken_worker.deliveries.models import DeliveryPlan, Integration, webhook_order_key
from anken_worker.kit.secret_box import SecretBox
from anken_worker.kit.time import utc_now
from anken_worker.webhook_endpoints import repository as repo
from anken_worker.webhook_endpoints.secrets import ROTATION_OVERLAP


class EndpointLookups(Protocol):
    """Endpoint reads shared by a consumed batch of events (events.batch_lookups.BatchLookups)."""

    async def endpoints(self, conn: AsyncConnection, client_id: uuid.UUID, event_type: str) -> list[dict[str, Any]]: ...


def to_out(row: dict[str, Any]) -> dict[str, Any]:
    expires = row.get("previous_secret_expires_at")
    return {
        "id": row["id"], "client_id": row["client_id"], "url": row["url"], "description": row.get("description"),
        "events": list(row.get("events") or []), "active": row["active"],
        "rotation_expires_at": expires if expires and expires > utc_now() else None, "created_at": row["created_at"],
    }


async def check_url(url: str, policy: OutboundPolicy, *, https_only: bool) -> None:
    """The endpoint URL passes the outbound guard now (and is checked again at every connection); in production
    (`https_only`) it is https, as the signed payload carries the client's appointments."""
    if https_only and urlsplit(url).scheme.lower() != "https":
        raise UnprocessableEntity("url", "in production a webhook endpoint must be an https:// URL")
    try:
        await policy.check_url(url)
    except OutboundRefused as exc:
        raise UnprocessableEntity("url", exc.reason) from None


def _origin(url: str) -> tuple[str, int | None]:
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.port


async def create(conn: AsyncConnection, box: SecretBox, client_id: uuid.UUID, url: str, events: list[str],
                 description: str | None, policy: OutboundPolicy, *, https_only: bool) -> tuple[dict[str, Any], str]:
    await check_url(url, policy, https_only=https_only)
    secret = new_secret()
    endpoint_id = uuid.uuid4()
    await repo.insert(conn, {"id": endpoint_id, "client_id": client_id, "url": url, "events": events,
                             "description": description, "secret_encrypted": box.seal(secret), "active": True})
    return await require(conn, endpoint_id), secret


async def require(conn: AsyncConnection, endpoint_id: uuid.UUID) -> dict[str, Any]:
    row = await repo.get(conn, endpoint_id)
    if row is None:
        raise NotFound("webhook endpoint")
    return row


async def update(conn: AsyncConnection, endpoint_id: uuid.UUID, values: dict[str, Any],
                 policy: OutboundPolicy, *, https_only: bool) -> None:
    """Change URL, events, description or state. The signing secret is bound to the host it was made
    for: a URL on another host is a new endpoint (with its own secret), not an edit."""
    row = await require(conn, endpoint_id)
    if "url" in values:
        values["url"] = str(values["url"])
        await check_url(values["url"], policy, https_only=https_only)
        if _origin(values["url"]) != _origin(row["url"]):
            raise UnprocessableEntity("url", "the host changed: register a new endpoint for the new host, which gets "
                                             "its own signing secret (the current one stays bound to this host)")
    if values:
        await repo.update(conn, endpoint_id, values)


async def delete(conn: AsyncConnection, endpoint_id: uuid.UUID) -> None:
    """Remove the endpoint: its deliveries still open are skipped when they come up (actions.webhooks)."""
    await require(conn, endpoint_id)
    await repo.delete(conn, endpoint_id)


async def rotate(conn: AsyncConnection, box: SecretBox, endpoint_id: uuid.UUID) -> tuple[dict[str, Any], str]:
    """A new secret; the current one becomes the previous one and keeps signing for 24 hours."""
    row = await require(conn, endpoint_id)
    secret = new_secret()
    await repo.update(conn, endpoint_id, {
        "secret_encrypted": box.seal(secret), "previous_secret_encrypted": row["secret_encrypted"],
        "previous_secret_expires_at": utc_now() + ROTATION_OVERLAP,
    })
    return await require(conn, endpoint_id), secret


def message_id(delivery_key: str) -> str:
    return "msg_" + hashlib.sha256(delivery_key.encode()).hexdigest()[:32]


def webhook_plan(key: str, endpoint: dict[str, Any], event_type: str, event_id: str, occurred_at: str, data: dict[str, Any],
                 project_id: uuid.UUID | None) -> DeliveryPlan:
    body = json.dumps({"type": event_type, "timestamp": occurred_at, "event_id": event_id, "data": data},
                      ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return DeliveryPlan(
        key=key, integration=Integration.webhook, action="webhook.send", order_key=webhook_order_key(endpoint["id"]),
        target=endpoint["url"][:300], project_id=project_id, client_id=endpoint["client_id"],
        source_event_type=event_type,
        payload={"endpoint_id": str(endpoint["id"]), "message_id": message_id(key), "body": body,
                 "event_type": event_type},
    )


async def plans_for_event(conn: AsyncConnection, client_id: uuid.UUID | None, event_type: str, event_id: str,
                          occurred_at: str, data: dict[str, Any], project_id: uuid.UUID | None,
                          lookups: EndpointLookups | None = None) -> list[DeliveryPlan]:
    if client_id is None:
        return []
    endpoints = (await lookups.endpoints(conn, client_id, event_type) if lookups is not None
                 else await repo.for_event(conn, client_id, event_type))
    return [
        webhook_plan(f"evt:{event_id}:webhook:{e['id']}", e, event_type, event_id, occurred_at, data, project_id)
        for e in endpoints
    ]
