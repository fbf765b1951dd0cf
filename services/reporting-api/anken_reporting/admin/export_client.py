"""Reading projects-api's event export (`GET /v1/events`) as pages of decoded envelopes.

The export is read as one NDJSON stream (`Accept: application/x-ndjson`), cut into pages of
`rebuild_page_size` lines for progress; a server answering with JSON pages instead is walked
page by page with its cursor. Envelopes stay undecoded JSON here (one `bytes` each): the
rebuild decides how to decode each.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import httpx
import msgspec

from anken_common.auth_tokens import issue_service_token
from anken_common.request_context import service_http_client
from anken_reporting.settings import ReportingSettings

NDJSON = "application/x-ndjson"
CSV = "text/csv"
# projects-api's CSV export of call facts (its events.repository.CALL_FACT_COLUMNS), in this order.
CALL_FACT_CSV_COLUMNS = ("sequence", "event_id", "type", "call_id", "project_id", "client_id", "member_id",
                         "target_id", "occurred_at", "variant", "script_version_id", "industry", "outcome", "duration_s",
                         "first_call", "envelope")


class ExportFormatError(ValueError):
    """The export sent something that is not an event envelope."""


@dataclass
class ExportPage:
    items: list[bytes]  # one envelope's JSON each
    next_cursor: str | None


class ExportSource(Protocol):
    # A generator: the rebuild closes it (contextlib.aclosing) when it stops early, ending the request.
    def pages(self) -> AsyncGenerator[ExportPage, None]: ...


@runtime_checkable
class CallFactSource(Protocol):
    """An export that can also send call facts as CSV (see admin.columnar_rebuild)."""

    def call_fact_csv(self) -> AbstractAsyncContextManager[AsyncIterator[bytes] | None]: ...


class _JsonPage(msgspec.Struct):
    items: list[msgspec.Raw] = []
    next_cursor: str | None = None


_PAGE_DECODER = msgspec.json.Decoder(_JsonPage)
_SEQUENCE_DECODER = msgspec.json.Decoder(dict[str, msgspec.Raw])


def _cursor(last: bytes) -> str | None:
    try:
        return bytes(_SEQUENCE_DECODER.decode(last).get("sequence", b"null")).decode()
    except (msgspec.DecodeError, UnicodeDecodeError):
        return None  # the rebuild reports the bad line itself


async def ndjson_pages(chunks: AsyncIterator[bytes], size: int) -> AsyncGenerator[ExportPage, None]:
    """Pages of `size` envelope lines from NDJSON byte chunks (blank lines are skipped)."""
    rest, pending = b"", list[bytes]()
    async for chunk in chunks:
        lines = (rest + chunk).split(b"\n")
        rest = lines.pop()
        pending.extend(line for line in lines if line.strip())
        while len(pending) >= size:
            page, pending = pending[:size], pending[size:]
            yield ExportPage(items=page, next_cursor=_cursor(page[-1]))
    if rest.strip():
        pending.append(rest)
    if pending:
        yield ExportPage(items=pending, next_cursor=_cursor(pending[-1]))


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

    @asynccontextmanager
    async def call_fact_csv(self) -> AsyncIterator[AsyncIterator[bytes] | None]:
        """The whole export as CSV rows of CALL_FACT_CSV_COLUMNS, or None when the server does
        not offer that layout (an older projects-api, another implementation): use pages()."""
        async with self._session() as client:
            async with client.stream("GET", "/v1/events", headers=self._headers(Accept=CSV)) as response:
                response.raise_for_status()
                columns = tuple(response.headers.get("x-anken-columns", "").split(","))
                if not response.headers.get("content-type", "").startswith(CSV) or columns != CALL_FACT_CSV_COLUMNS:
                    yield None
                    return
                yield response.aiter_bytes()

    async def pages(self) -> AsyncGenerator[ExportPage, None]:
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
                try:
                    data = _PAGE_DECODER.decode(response.content)
                except msgspec.DecodeError as exc:
                    raise ExportFormatError(f"export page after {cursor} is not a page of events: {exc}") from None
                items = [bytes(item) for item in data.items]
                next_cursor = data.next_cursor
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
