"""POST a signed webhook to a partner endpoint.

The partner's answer body is never kept nor shown (an endpoint may be anything a user typed): at
most PARTNER_BODY_LIMIT of it is read, and the delivery log records the status code and timing only.
"""

from __future__ import annotations

import re

import httpx

from anken_worker.adapters.errors import IntegrationBroken
from anken_worker.adapters.http_errors import raise_for_answer, send_capped
from anken_worker.adapters.webhooks.signing import signature_headers
from anken_worker.kit.time import utc_now

_SUMMARY = re.compile(r"^HTTP (\d{3}) in (\d+) ms")


def answer_summary(status: int, elapsed_ms: int) -> str:
    return f"HTTP {status} in {elapsed_ms} ms"


def parse_answer_summary(text: str | None) -> tuple[int | None, int | None]:
    """(status code, milliseconds) from what `answer_summary` wrote, or (None, None)."""
    found = _SUMMARY.match(text or "")
    return (int(found[1]), int(found[2])) if found else (None, None)


async def send_webhook(http: httpx.AsyncClient, url: str, msg_id: str, body: str, secrets_: list[str]) -> str:
    """Deliver once; returns the answer's summary (status and timing). The id stays the same across
    retries so the receiver can drop duplicates; the timestamp and signature are fresh each attempt."""
    headers = signature_headers(msg_id, utc_now(), body, secrets_)
    answer = await send_capped(http, "POST", url, "webhook", content=body.encode(), headers=headers)
    summary = answer_summary(answer.status_code, answer.elapsed_ms)
    if answer.status_code == 410:
        raise IntegrationBroken("webhook endpoint answered 410 Gone", status=410, excerpt=summary)
    if answer.status_code == 409:
        # A receiver that dedupes by webhook-id says it already has this message (our earlier
        # attempt landed): that is the outcome we wanted.
        return f"{summary} (already received)"
    raise_for_answer(answer.status_code, answer.headers, summary, "webhook", broken_statuses=set())
    return summary
