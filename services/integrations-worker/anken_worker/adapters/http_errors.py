"""Turning an HTTP exchange into success or one of the delivery errors."""

from __future__ import annotations

import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from anken_worker.adapters.errors import (
    IntegrationBroken,
    PermanentError,
    TransientError,
    excerpt,
    retry_after_seconds,
)
from anken_worker.adapters.http_pool import OutboundBlocked, ResponseTooLarge

# What is read of an answer from a partner's endpoint (or any other URL a user gave): the rest is
# never read, and the connection is dropped rather than drained.
PARTNER_BODY_LIMIT = 64 * 1024
T = TypeVar("T")

BROKEN_STATUSES = {401, 403}


def raise_for_status(response: httpx.Response, what: str, *, broken_statuses: set[int] = BROKEN_STATUSES) -> None:
    if response.status_code >= 400:
        raise_for_answer(response.status_code, response.headers, excerpt(response.text), what,
                         broken_statuses=broken_statuses)


def raise_for_answer(status: int, headers: httpx.Headers, body: str | None, what: str, *,
                     broken_statuses: set[int] = BROKEN_STATUSES) -> None:
    """The delivery error an HTTP status means (`body` is what the delivery log may keep of the answer)."""
    if status < 400:
        return
    if status == 429:
        raise TransientError(f"{what}: rate limited (429)", status=status, excerpt=body,
                             retry_after_s=retry_after_seconds(headers.get("Retry-After")))
    if status >= 500 or status == 408:
        raise TransientError(f"{what}: server error {status}", status=status, excerpt=body)
    if status in broken_statuses:
        raise IntegrationBroken(f"{what}: {status} (credentials revoked or permission lost)", status=status, excerpt=body)
    raise PermanentError(f"{what}: rejected with {status}", status=status, excerpt=body)


async def send(client: httpx.AsyncClient, method: str, url: str | httpx.URL, what: str, **kwargs: Any) -> httpx.Response:
    """Send a request; timeouts and connection failures become TransientError, an address the
    outbound guard refuses or an oversized answer a PermanentError."""
    return await _mapped(client.request(method, url, **kwargs), client, what)


@dataclass(frozen=True)
class CappedAnswer:
    """An answer of which at most a cap was read: its status, head of the body, and how long it took."""

    status_code: int
    headers: httpx.Headers
    head: bytes
    elapsed_ms: int


async def read_capped(response: httpx.Response, limit: int) -> bytes:
    """At most `limit` bytes of the body, read as it streams in; the rest is left unread."""
    head = bytearray()
    async for chunk in response.aiter_bytes():
        head += chunk[: limit - len(head)]
        if len(head) >= limit:
            break
    return bytes(head)


async def send_capped(client: httpx.AsyncClient, method: str, url: str | httpx.URL, what: str,
                      limit: int = PARTNER_BODY_LIMIT, **kwargs: Any) -> CappedAnswer:
    """`send` for an endpoint Anken does not control: the body is streamed and read up to `limit`."""
    started = time.perf_counter()

    async def exchange() -> CappedAnswer:
        async with client.stream(method, url, **kwargs) as response:
            head = await read_capped(response, limit)
        return CappedAnswer(response.status_code, response.headers, head,
                            round((time.perf_counter() - started) * 1000))

    return await _mapped(exchange(), client, what)


async def _mapped(exchange: Awaitable[T], client: httpx.AsyncClient, what: str) -> T:
    try:
        return await exchange
    except (OutboundBlocked, ResponseTooLarge) as exc:
        raise PermanentError(f"{what}: {exc}") from exc
    except httpx.TimeoutException as exc:
        # The server may still complete the request: wait as long again before retrying, so the
        # retry's "was it done already?" check sees the outcome.
        settle_s = (client.timeout.read or 10.0) if isinstance(client.timeout, httpx.Timeout) else 10.0
        raise TransientError(f"{what}: timeout ({type(exc).__name__})", retry_after_s=settle_s) from exc
    except httpx.TransportError as exc:
        raise TransientError(f"{what}: connection failed ({type(exc).__name__})") from exc
