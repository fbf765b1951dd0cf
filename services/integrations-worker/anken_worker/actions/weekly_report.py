"""The weekly report's Slack message and Confluence page carry a link that opens without a login: when the
delivery is made, reporting-api is asked for a signed, expiring link to the published week (one per event:
the Slack message and the Confluence page share it, and a retried attempt gets the same link back).

When reporting-api cannot make one after a few attempts (or refuses), the message links the web app's
report page instead (it asks for a login); never the API's URL, which answers 401 in a browser."""

from __future__ import annotations

from typing import Any

from anken_common.event_payloads import WeeklyReportPublishedPayload
from anken_common.logging import get_logger
from anken_worker.adapters.errors import TransientError
from anken_worker.context import WorkerContext
from anken_worker.deliveries.models import Delivery
from anken_worker.messaging import weekly_report, weekly_report_page
from anken_worker.reporting_client import ReportLinkUnavailable, create_report_link

log = get_logger("anken.worker.weekly_report")
# Attempts to get the signed link before settling for the web page that asks for a login.
LINK_PATIENCE = 3
PAYLOAD_KEY = "weekly_report"


def is_weekly_report(d: Delivery) -> bool:
    return PAYLOAD_KEY in d.payload


def _report(d: Delivery) -> WeeklyReportPublishedPayload:
    return WeeklyReportPublishedPayload.model_validate(d.payload[PAYLOAD_KEY])


async def shared_link(ctx: WorkerContext, d: Delivery, report: WeeklyReportPublishedPayload) -> dict[str, Any] | None:
    """reporting-api's link ({url, expires_at, …}) for the event's week, or None to fall back to the web page."""
    key = f"weekly_report_link:{d.source_event_id or report.id}"
    try:
        return await create_report_link(ctx, report.project_id, report.iso_week, key)
    except ReportLinkUnavailable as exc:
        if exc.retry and d.attempts < LINK_PATIENCE:
            raise TransientError(f"shared report link: {exc}") from exc
        log.warning("report_link_fallback", project_id=str(report.project_id), reason=str(exc))
        return None


async def slack_message(ctx: WorkerContext, d: Delivery, tz: str) -> dict[str, Any]:
    """The delivery's payload with the message's text and blocks made now, with the shared link."""
    report = _report(d)
    text, blocks = weekly_report(report, str(d.payload.get("project_name") or ""), await shared_link(ctx, d, report), tz)
    return {**d.payload, "text": text, "blocks": blocks}


async def confluence_body(ctx: WorkerContext, d: Delivery, project_name: str, tz: str) -> str:
    report = _report(d)
    return weekly_report_page(report, project_name, await shared_link(ctx, d, report), tz)
