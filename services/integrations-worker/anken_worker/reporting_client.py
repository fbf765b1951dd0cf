"""Numbers and actions from reporting-api, called with a service token."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, cast

import httpx

from anken_common.logging import get_logger
from anken_worker.context import WorkerContext

log = get_logger("anken.worker.reporting")


async def project_kpis(ctx: WorkerContext, project_id: uuid.UUID | str, **params: Any) -> dict[str, Any] | None:
    """GET /v1/projects/{id}/kpis (DESIGN §6); None when reporting-api cannot answer now."""
    try:
        response = await ctx.reporting.get(f"/v1/projects/{project_id}/kpis",
                                           params={k: str(v) for k, v in params.items() if v is not None},
                                           headers=ctx.service_headers())
    except httpx.HTTPError as exc:
        log.warning("reporting_unreachable", error=type(exc).__name__)
        return None
    if response.status_code != 200:
        log.warning("reporting_kpis_failed", status=response.status_code, project_id=str(project_id))
        return None
    return cast("dict[str, Any] | None", response.json())


async def acknowledge_alert(ctx: WorkerContext, alert_id: str, by: str) -> bool:
    try:
        response = await ctx.reporting.post(f"/v1/alerts/{alert_id}/acknowledge", json={"acknowledged_by": by},
                                            headers=ctx.service_headers())
    except httpx.HTTPError:
        return False
    return response.status_code < 300


async def trigger_forecast_snapshot(ctx: WorkerContext, as_of: date) -> bool:
    """POST /v1/forecast/snapshots: this week's snapshot of the current month and quarter (idempotent there)."""
    try:
        response = await ctx.reporting.post("/v1/forecast/snapshots", json={"as_of": as_of.isoformat()},
                                            headers=ctx.service_headers())
    except httpx.HTTPError:
        return False
    return response.status_code < 300


async def pace_status(ctx: WorkerContext, project_id: uuid.UUID | str, day: date) -> dict[str, Any] | None:
    """GET /v1/projects/{id}/pace-status: whether `day` is the project's business day and whether its
    pace is behind. reporting-api owns the business-day calendar and the pace thresholds; the worker
    asks instead of deciding. None when reporting-api cannot answer now."""
    try:
        response = await ctx.reporting.get(f"/v1/projects/{project_id}/pace-status",
                                           params={"as_of": day.isoformat()}, headers=ctx.service_headers())
    except httpx.HTTPError as exc:
        log.warning("reporting_unreachable", error=type(exc).__name__)
        return None
    if response.status_code != 200:
        log.warning("reporting_pace_status_failed", status=response.status_code, project_id=str(project_id))
        return None
    return cast("dict[str, Any]", response.json())


class ReportLinkUnavailable(Exception):
    """reporting-api made no link now: `retry` when it may later (unreachable, 5xx), else it never will (404)."""

    def __init__(self, reason: str, *, retry: bool) -> None:
        super().__init__(reason)
        self.retry = retry


async def create_report_link(ctx: WorkerContext, project_id: uuid.UUID | str, iso_week: str,
                             idempotency_key: str) -> dict[str, Any]:
    """POST /v1/projects/{id}/weekly-reports/{week}/links: a signed, expiring link to the week's published report
    that opens without a login (`url`, `expires_at`). The key makes a retry answer the same link."""
    try:
        response = await ctx.reporting.post(f"/v1/projects/{project_id}/weekly-reports/{iso_week}/links", json={},
                                            headers={**ctx.service_headers(), "Idempotency-Key": idempotency_key})
    except httpx.HTTPError as exc:
        raise ReportLinkUnavailable(f"reporting-api unreachable: {type(exc).__name__}", retry=True) from exc
    if response.status_code >= 500 or response.status_code == 429:
        raise ReportLinkUnavailable(f"reporting-api answered {response.status_code}", retry=True)
    if response.status_code >= 300:
        log.warning("report_link_refused", status=response.status_code, project_id=str(project_id))
        raise ReportLinkUnavailable(f"reporting-api refused the link: {response.status_code}", retry=False)
    return cast("dict[str, Any]", response.json())
