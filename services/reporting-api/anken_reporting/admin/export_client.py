"""Reading projects-api's event export (`GET /v1/events`) as pages of decoded envelopes.

The export is read as one NDJSON stream (`Accept: application/x-ndjson`), cut into pages of
`rebuild_page_size` lines for progress; a server answering with JSON pages instead is walked
page by page with its cursor. Envelopes stay plain dicts here: the rebuild decides how much
validation each event type needs.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from anken_common.auth_tokens import issue_service_token
from anken_common.request_context import service_http_client
from anken_reporting.settings import ReportingSettings

NDJSON = "application/x-ndjson"


class ExportFormatError(ValueError):
    """The export sent something that is not an event envelope."""


@dataclass
class ExportPage:
    items: list[dict[str, Any]]
    next_cursor: str | None


class ExportSource(Protocol):
    def pages(self) -> AsyncIterator[ExportPage]: ...


def _decode_lines(lines: list[bytes], first_line: int) -> list[dict[str, Any]]:
    try:
        # One decode for the whole chunk is several times cheaper than one per line.
        items = json.loads(b"[" + b",".join(lines) + b"]")
    except ValueError:
        items = []
        for n, line in enumerate(lines, start=first_line):
            try:
                items.append(json.loads(line))
            except ValueError as exc:
                raise ExportFormatError(f"export line {n} is not JSON ({exc}): {line[:200]!r}") from None
    for n, item in enumerate(items, start=first_line):
        if type(item) is not dict:
            raise ExportFormatError(f"export line {n} is not an event envelope: {json.dumps(item)[:200]}")
    return items


def _page(items: list[dict[str, Any]]) -> ExportPage:
    return ExportPage(items=items, next_cursor=str(items[-1].get("sequence")) if items else None)


async def ndjson_pages(chunks: AsyncIterator[bytes], size: int) -> AsyncIterator[ExportPage]:
    """Pages of `size` envelopes from NDJSON byte chunks (blank lines are skipped)."""
    rest, pending, line_no = b"", [], 1
    async for chunk in chunks:
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        pending.extend(lines)
        if len(pending) >= size:
            full = [line for line in pending if line.strip()]
            while len(full) >= size:
                yield _page(_decode_lines(full[:size], line_no))
                line_no += size
                full = full[size:]
            pending = full
    if rest.strip():
        pending.append(rest)
    full = [line for line in pending if line.strip()]
    if full:
        yield _page(_decode_lines(full, line_no))


class HttpExport:
    """projects-api's export over HTTP, authenticated with a service token."""

    def __init__(self, settings: ReportingSettings, client: httpx.AsyncClient | None = None) -> None:
        self.settings = settings
        self.client = client

    def _headers(self, **extra: str) -> dict[str, str]:
        token = issue_service_token(self.settings.anken_secret_key, "reporting-api")
        return {"Authorization": f"Bearer {token}", **extra}

    def _session(self) -> AbstractAsyncContextManager[httpx.AsyncClient]:
        if self.client is not None:
            return _Borrowed(self.client)
        return service_http_client(self.settings.projects_api_url, timeout=60.0)

    async def pages(self) -> AsyncIterator[ExportPage]:
        size = self.settings.rebuild_page_size
        async with self._session() as client:
            async with client.stream("GET", "/v1/events", headers=self._headers(Accept=NDJSON)) as response:
                response.raise_for_status()
                if response.headers.get("content-type", "").startswith(NDJSON):
                    async for page in ndjson_pages(response.aiter_bytes(), size):
                        yield page
                    return
            # A server without the stream: JSON pages, each with the cursor of the next.
            cursor: str | None = None
            while True:
                params: dict[str, str | int] = {"limit": size, **({"after": cursor} if cursor else {})}
                response = await client.get("/v1/events", params=params, headers=self._headers())
                response.raise_for_status()
                data = response.json()
                items = data.get("items", [])
                for item in items:
                    if type(item) is not dict:
                        raise ExportFormatError(f"export page after {cursor} holds a non-envelope: {str(item)[:200]}")
                next_cursor = data.get("next_cursor")
                yield ExportPage(items=items, next_cursor=next_cursor)
                if not items or not next_cursor or next_cursor == cursor:
                    return
                cursor = next_cursor


class _Borrowed(AbstractAsyncContextManager[httpx.AsyncClient]):
    """A caller's client, used as is and left open."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def __aenter__(self) -> httpx.AsyncClient:
        return self.client

    async def __aexit__(self, *exc: object) -> None:
        return None


def http_fetcher(settings: ReportingSettings, client: httpx.AsyncClient | None = None) -> HttpExport:
    """The export of `settings.projects_api_url` (or through `client`, e.g. an ASGI transport)."""
    return HttpExport(settings, client)
