"""Scheduled jobs (arq cron). They run every few minutes and act on each project when its own
time zone says so, e.g. the end-of-day report after 19:00 local time on business days. Each
run plans deliveries under date-based keys, so running twice in a day sends once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from anken_common.logging import get_logger
from anken_worker.actions.sheets import pull_statuses
from anken_worker.context import WorkerContext
from anken_worker.deliveries import repository as delivery_repo
from anken_worker.deliveries.models import DeliveryPlan, Integration
from anken_worker.jobs.enqueue import enqueue_deliveries
from anken_worker.kit.time import local_now, utc_now
from anken_worker.messaging import end_of_day, pace_warning
from anken_worker.projects_state import repository as projects
from anken_worker.reporting_client import pace_status, project_kpis, trigger_forecast_snapshot

log = get_logger("anken.worker.scheduled")
END_OF_DAY_HOUR = 19
PACE_CHECK_HOUR = 13
# Whether a day is the project's business day and whether its pace is behind are reporting-api's
# to say (its calendar, its PACE_AT_RISK threshold): both jobs ask it (reporting_client.pace_status).


async def _plan(ctx: WorkerContext, plans: list[DeliveryPlan]) -> None:
    async with ctx.engine.begin() as conn:
        keys = await delivery_repo.insert_plans(conn, plans)
    await enqueue_deliveries(ctx, keys)


async def _already_planned(ctx: WorkerContext, key: str) -> bool:
    async with ctx.engine.connect() as conn:
        return await delivery_repo.get_by_key(conn, key) is not None


async def _due_business_days(
    ctx: WorkerContext, now: datetime | None, hour: int, key_of: Callable[[dict[str, Any], date], str],
) -> AsyncIterator[tuple[dict[str, Any], date, str, dict[str, Any]]]:
    """Each active project whose local time is past `hour` on its business day and whose delivery under
    `key_of(project, day)` is not planned yet: (project, day, key, reporting-api's pace status). A project
    is skipped when reporting-api cannot answer now; the next run asks again."""
    async with ctx.engine.connect() as conn:
        active = await projects.active_projects(conn)
    for project in active:
        local = local_now(project, now)
        day = local.date()
        if local.hour < hour:
            continue
        key = key_of(project, day)
        if await _already_planned(ctx, key):
            continue
        status = await pace_status(ctx, project["project_id"], day)
        if status is None or not status["business_day"]:
            continue
        yield project, day, key, status


async def end_of_day_reports(ctx: WorkerContext, now: datetime | None = None) -> int:
    """After END_OF_DAY_HOUR local time on a business day: the day's numbers to Slack and the tracking sheet."""
    planned = 0
    async for project, day, slack_key, _status in _due_business_days(
            ctx, now, END_OF_DAY_HOUR, lambda project, day: f"eod:{project['project_id']}:{day}:slack"):
        kpis = await project_kpis(ctx, project["project_id"], group_by="member",
                                  **{"from": day, "to": day + timedelta(days=1), "as_of": day})
        if kpis is None:
            continue  # reporting-api cannot answer now; the next run tries again
        text, blocks = end_of_day(project["name"], day.isoformat(), kpis)
        row = [day.isoformat()] + [kpis.get(k) for k in ("calls", "contacts", "appointments", "contact_rate",
                                                          "contact_to_appointment_rate", "appointment_rate",
                                                          "progress_rate", "pace")]
        common = {"project_id": project["project_id"], "client_id": project["client_id"]}
        await _plan(ctx, [
            DeliveryPlan(slack_key, Integration.slack, "slack.post", f"slack:{project['project_id']}",
                         {"text": text, "blocks": blocks}, **common),
            DeliveryPlan(f"eod:{project['project_id']}:{day}:sheets", Integration.sheets, "sheets.append_kpis",
                         f"sheets:{project['project_id']}", {"row": row}, **common),
        ])
        planned += 1
    return planned


async def pace_check(ctx: WorkerContext, now: datetime | None = None) -> int:
    """Once a business day after PACE_CHECK_HOUR: tell the director when the project runs below pace."""
    warned = 0
    async for project, day, key, status in _due_business_days(
            ctx, now, PACE_CHECK_HOUR, lambda project, day: f"pace:{project['project_id']}:{day}"):
        if not status["behind"]:
            continue
        text, blocks = pace_warning(project["name"], day.isoformat(), float(status["pace"]), status["progress_rate"])
        await _plan(ctx, [DeliveryPlan(key, Integration.slack, "slack.notify_director",
                                       f"slack:director:{project['project_id']}", {"text": text, "blocks": blocks},
                                       project_id=project["project_id"], client_id=project["client_id"])])
        warned += 1
    return warned


async def weekly_forecast_snapshot(ctx: WorkerContext, now: datetime | None = None) -> bool:
    """Monday morning (Asia/Tokyo): ask reporting-api to take the week's forecast snapshot, once."""
    local = (now or utc_now()).astimezone(ZoneInfo("Asia/Tokyo"))
    if local.weekday() != 0 or local.hour < 8:
        return False
    year, week, _ = local.isocalendar()
    period = f"{year}-W{week:02d}"
    marker = ctx.key("cron", "forecast_snapshot", period)
    if not await ctx.redis.set(marker, "1", nx=True, ex=8 * 24 * 3600):
        return False
    if not await trigger_forecast_snapshot(ctx, local.date()):
        await ctx.redis.delete(marker)  # try again on the next run
        return False
    return True


async def sheet_status_pull(ctx: WorkerContext) -> int:
    async with ctx.engine.connect() as conn:
        active = await projects.active_projects(conn)
    changed = 0
    for project in active:
        try:
            changed += await pull_statuses(ctx, project)
        except Exception as exc:
            log.warning("sheet_pull_failed", project_id=str(project["project_id"]), error=str(exc)[:200])
    return changed
