"""POST a signed webhook to a partner endpoint."""

from __future__ import annotations

import httpx

from anken_worker.adapters.errors import IntegrationBroken, excerpt
from anken_worker.adapters.http_errors import raise_for_status, send
from anken_worker.adapters.webhooks.signing import signature_headers
from anken_worker.kit.time import utc_now


async def send_webhook(http: httpx.AsyncClient, url: str, msg_id: str, body: str, secrets_: list[str]) -> str:
    """Deliver once; returns an excerpt of the receiver's answer. The id stays the same across
    retries so the receiver can drop duplicates; the timestamp and signature are fresh each attempt."""
    headers = signature_headers(msg_id, utc_now(), body, secrets_)
    response = await send(http, "POST", url, "webhook", content=body.encode(), headers=headers)
    if response.status_code == 410:
        raise IntegrationBroken("webhook endpoint answered 410 Gone", status=410, excerpt=excerpt(response.text))
    if response.status_code == 409:
        # A receiver that dedupes by webhook-id says it already has this message (our earlier
        # attempt landed): that is the outcome we wanted.
        return f"409 already received: {excerpt(response.text, 200)}"
    raise_for_status(response, "webhook", broken_statuses=set())
    return f"{response.status_code} {excerpt(response.text, 300)}"
