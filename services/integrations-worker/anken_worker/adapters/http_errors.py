"""Turning an HTTP exchange into success or one of the delivery errors."""

from __future__ import annotations

import httpx

from anken_worker.adapters.errors import (
    IntegrationBroken,
    PermanentError,
    TransientError,
    excerpt,
    retry_after_seconds,
)

BROKEN_STATUSES = {401, 403}


def raise_for_status(response: httpx.Response, what: str, *, broken_statuses: set[int] = BROKEN_STATUSES) -> None:
    status = response.status_code
    if status < 400:
        return
    body = excerpt(response.text)
    if status == 429:
        raise TransientError(f"{what}: rate limited (429)", status=status, excerpt=body,
                             retry_after_s=retry_after_seconds(response.headers.get("Retry-After")))
    if status >= 500 or status == 408:
        raise TransientError(f"{what}: server error {status}", status=status, excerpt=body)
    if status in broken_statuses:
        raise IntegrationBroken(f"{what}: {status} (credentials revoked or permission lost)", status=status, excerpt=body)
    raise PermanentError(f"{what}: rejected with {status}", status=status, excerpt=body)


async def send(client: httpx.AsyncClient, method: str, url: str, what: str, **kwargs) -> httpx.Response:
    """Send a request; timeouts and connection failures become TransientError."""
    try:
        return await client.request(method, url, **kwargs)
    except httpx.TimeoutException as exc:
        # The server may still complete the request: wait as long again before retrying, so the
        # retry's "was it done already?" check sees the outcome.
        settle_s = (client.timeout.read or 10.0) if isinstance(client.timeout, httpx.Timeout) else 10.0
        raise TransientError(f"{what}: timeout ({type(exc).__name__})", retry_after_s=settle_s) from exc
    except httpx.TransportError as exc:
        raise TransientError(f"{what}: connection failed ({type(exc).__name__})") from exc
