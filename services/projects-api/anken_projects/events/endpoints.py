"""GET /v1/events: the outbox as an ordered export, so reporting-api can rebuild from zero."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import StreamingResponse

from anken_common.events import EventEnvelope, EventType
from anken_common.problems import UnprocessableEntity, problem_responses
from anken_projects.auth.dependencies import AdminOnly
from anken_projects.db import ResourcesDep
from anken_projects.events import repository, service
from anken_projects.kit.pagination import Page

router = APIRouter(prefix="/v1/events", tags=["events"])
NDJSON = "application/x-ndjson"
CSV = "text/csv"
# Names the CSV's columns, so a reader built for another layout can tell and use NDJSON instead.
COLUMNS_HEADER = "X-Anken-Columns"
KNOWN_TYPES = {t.value for t in EventType}


def _parse_types(types: str | None) -> list[str] | None:
    if not types:
        return None
    wanted = [t.strip() for t in types.split(",") if t.strip()]
    unknown = [t for t in wanted if t not in KNOWN_TYPES]
    if unknown:
        raise UnprocessableEntity("types", f"unknown event types: {', '.join(unknown)}")
    return wanted or None


@router.get(
    "",
    summary="Export events in outbox order after a cursor (JSON pages or an NDJSON stream)",
    description=(
        "Events in the order they were recorded. `after` is the `sequence` of the last event you hold "
        "(0 for everything); `next_cursor` is set while more pages follow. Send `Accept: application/x-ndjson` "
        "to stream every event after the cursor, one envelope per line (`limit` is then optional). "
        "Send `Accept: text/csv` for the same stream as CSV rows (no header) whose columns the "
        "`X-Anken-Columns` response header names: call events in canonical form carry their facts "
        "(call_id … first_call) and no envelope, every other event carries sequence, event_id, type "
        "and its envelope JSON — for a rebuild that loads calls with COPY. "
        "Only events whose position can no longer be overtaken by a late commit are returned, so a "
        "cursor never skips an event. Admins and service tokens only."
    ),
    response_model=Page[EventEnvelope],
    responses={
        **problem_responses(401, 403, 422),
        200: {"description": "A page of envelopes; or an NDJSON stream",
              "content": {NDJSON: {"schema": {"type": "string", "description": "One EventEnvelope JSON per line"}},
                          CSV: {"schema": {"type": "string", "description": "One CSV row per event"}}}},
    },
)
async def export_events(
    request: Request,
    resources: ResourcesDep,
    principal: AdminOnly,
    after: Annotated[int, Query(ge=0, le=2**63 - 1, description="Sequence of the last event already held")] = 0,
    types: Annotated[str | None, Query(max_length=2000, description="Comma-separated event types, e.g. deal.created,deal.changed",
                                       examples=["deal.created,deal.changed"])] = None,
    limit: Annotated[int | None, Query(ge=1, le=10_000, description="Page size (default 1000); caps the stream")] = None,
) -> StreamingResponse | Page[EventEnvelope]:
    wanted = _parse_types(types)
    settle = service.SETTLE_TIMEOUT_S
    accept = request.headers.get("accept", "")
    if CSV in accept and NDJSON not in accept:
        return StreamingResponse(
            service.export_stream(resources.engine, after=after, types=wanted, limit=limit, settle_timeout_s=settle,
                                  call_facts=True),
            media_type=CSV, headers={COLUMNS_HEADER: ",".join(repository.CALL_FACT_COLUMNS)},
        )
    if NDJSON in accept:
        return StreamingResponse(
            service.export_stream(resources.engine, after=after, types=wanted, limit=limit, settle_timeout_s=settle),
            media_type=NDJSON,
        )
    items, next_cursor = await service.export_page(resources.engine, after=after, types=wanted, limit=limit or 1000,
                                                   settle_timeout_s=settle)
    return Page[EventEnvelope](items=items, next_cursor=next_cursor)
