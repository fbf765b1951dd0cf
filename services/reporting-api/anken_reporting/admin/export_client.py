"""Reading projects-api's event export (`GET /v1/events?after=<cursor>`) page by page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

import httpx

from anken_common.auth_tokens import issue_service_token
from anken_common.events import EventEnvelope
from anken_common.request_context import service_http_client
from anken_reporting.settings import ReportingSettings


@dataclass
class ExportPage:
    items: list[EventEnvelope]
    next_cursor: str | None


FetchPage = Callable[[str | None], Awaitable[ExportPage]]


def parse_page(data: dict) -> ExportPage:
    return ExportPage(
        items=[EventEnvelope.model_validate(item) for item in data.get("items", [])],
        next_cursor=data.get("next_cursor"),
    )


def http_fetcher(settings: ReportingSettings, client: httpx.AsyncClient | None = None) -> FetchPage:
    """A page fetcher calling projects-api with a fresh service token per page."""

    async def fetch(cursor: str | None) -> ExportPage:
        params: dict[str, str | int] = {"limit": settings.rebuild_page_size}
        if cursor:
            params["after"] = cursor
        headers = {"Authorization": f"Bearer {issue_service_token(settings.anken_secret_key, 'reporting-api')}"}
        if client is not None:
            response = await client.get("/v1/events", params=params, headers=headers)
        else:
            async with service_http_client(settings.projects_api_url, timeout=60.0) as own:
                response = await own.get("/v1/events", params=params, headers=headers)
        response.raise_for_status()
        return parse_page(response.json())

    return fetch


async def pages(fetch: FetchPage) -> AsyncIterator[ExportPage]:
    """Every page from the beginning until a page has no next cursor (or no items)."""
    cursor: str | None = None
    while True:
        page = await fetch(cursor)
        yield page
        if not page.items or not page.next_cursor or page.next_cursor == cursor:
            return
        cursor = page.next_cursor
