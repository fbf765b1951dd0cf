"""Scheduled jobs, in the project's time zone, with reporting-api's numbers: the end-of-day report
goes to Slack and the tracking sheet once a day; the pace check tells the director when behind.
Business days and "behind pace" are reporting-api's to say: the worker asks and never recomputes."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import create_async_engine
from worker_support import deliveries_of, kick_off, open_deliveries, publish, sandbox_items, wait_until

from anken_reporting.calendar.business_days import BusinessCalendar
from anken_worker.context import WorkerContext
from anken_worker.cron.jobs import end_of_day_reports, pace_check, weekly_forecast_snapshot
from anken_worker.reporting_client import pace_status, project_kpis
from anken_worker.settings import SCHEMA, WorkerSettings

TOKYO = ZoneInfo("Asia/Tokyo")


def last_business_day() -> date:
    day = datetime.now(TOKYO).date()
    while not BusinessCalendar().is_business_day(day):
        day -= timedelta(days=1)
    return day


@pytest.fixture
async def ctx(stack, service_env):
    import redis.asyncio as aioredis

    env = {k.lower(): v for k, v in stack.env.items() if k.isupper()}
    settings = WorkerSettings(**env)
    engine = create_async_engine(settings.async_database_url,
                                 connect_args={"server_settings": {"search_path": f"{SCHEMA},public"}})
    redis = aioredis.Redis.from_url(settings.redis_url)
    context = WorkerContext.create(settings, engine, redis)
    yield context
    await context.close()
    await redis.aclose()
    await engine.dispose()


@pytest.mark.slow
async def test_end_of_day_report_and_pace_check(stack, worker, sandbox, redis_client, db, events, service_env,
                                                ctx) -> None:
    stack.start("reporting")
    ns = service_env["REDIS_NAMESPACE"]
    project_id, client_id, members, envelopes = await kick_off(redis_client, ns, events, "eod report")
    director_id = uuid.UUID(envelopes[1].payload["director_id"])
    await publish(redis_client, ns, events.project(project_id, client_id, director_id, "active", "eod report",
                                                   previous="kickoff"))

    async def kicked_off():
        return len(await deliveries_of(db, project_id)) == 9 and await open_deliveries(db, project_id) == 0

    await wait_until(kicked_off, within_s=60, what="kickoff done")
    day = last_business_day()
    outcomes = ["no_answer", "connected_rejected", "appointment"]
    for i, outcome in enumerate(outcomes):
        call_id = uuid.uuid4()
        await publish(redis_client, ns, events.envelope("call.logged", "call", call_id, {
            "id": call_id, "project_id": project_id, "client_id": client_id, "member_id": members[0],
            "target_id": uuid.uuid4(), "occurred_at": datetime.combine(day, time(10 + i), TOKYO),
            "outcome": outcome, "duration_s": 60}, tenant=client_id))

    evening = datetime.combine(day, time(19, 30), TOKYO)

    async def reporting_has_the_calls():
        kpis = await project_kpis(ctx, project_id, **{"from": day, "to": day + timedelta(days=1)})
        return kpis and kpis["calls"] == 3

    await wait_until(reporting_has_the_calls, within_s=60, interval=0.5, what="reporting-api applied the calls")

    async def planned():
        return await end_of_day_reports(ctx, now=evening)

    # reporting-api applies the calls asynchronously: retry until it answers with them.
    async def eod_with_numbers():
        count = await planned()
        row = await db.fetchrow("SELECT payload FROM integrations.deliveries WHERE idempotency_key=$1",
                                f"eod:{project_id}:{day}:sheets")
        return count and row

    await wait_until(eod_with_numbers, within_s=60, interval=1, what="end-of-day report planned")
    assert await end_of_day_reports(ctx, now=evening) == 0  # once a day
    assert await end_of_day_reports(ctx, now=datetime.combine(day, time(12), TOKYO)) == 0  # not before 19:00

    async def delivered():
        rows = await db.fetch("SELECT status, last_error FROM integrations.deliveries WHERE idempotency_key LIKE $1",
                              f"eod:{project_id}:{day}:%")
        return len(rows) == 2 and all(r["status"] == "succeeded" for r in rows)

    try:
        await wait_until(delivered, within_s=30, what="end-of-day deliveries done")
    except AssertionError:
        rows = await db.fetch("SELECT idempotency_key, status, attempts, last_error, response_excerpt FROM "
                              "integrations.deliveries WHERE idempotency_key LIKE $1", f"eod:{project_id}:{day}:%")
        raise AssertionError([dict(r) for r in rows]) from None
    link = await db.fetchrow("SELECT * FROM integrations.project_links WHERE project_id=$1", project_id)
    messages = [m for m in await sandbox_items(sandbox.url, "slack/messages", channel=link["slack_channel_id"])
                if "終業報告" in m["text"]]
    assert len(messages) == 1 and "架電 3 / コンタクト 2 / アポ 1" in messages[0]["text"]
    sheet = next(s for s in await sandbox_items(sandbox.url, "sheets/spreadsheets")
                 if s["spreadsheet_id"] == link["spreadsheet_id"])
    kpi_rows = next(sh for sh in sheet["sheets"] if sh["title"] == "日次KPI")["values"]
    assert [r[:4] for r in kpi_rows[1:]] == [[day.isoformat(), 3, 2, 1]]

    # 1 appointment against a target of 20 is behind pace on any business day but the first ones.
    warned = await pace_check(ctx, now=datetime.combine(day, time(14), TOKYO))
    row = await db.fetchrow("SELECT * FROM integrations.deliveries WHERE idempotency_key=$1",
                            f"pace:{project_id}:{day}")
    if warned:
        assert row["action"] == "slack.notify_director"
        assert await pace_check(ctx, now=datetime.combine(day, time(15), TOKYO)) == 0
    else:
        assert row is None


async def test_weekly_forecast_snapshot_is_triggered_once_a_week(stack, ctx) -> None:
    stack.start("reporting")
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=TOKYO)
    assert await weekly_forecast_snapshot(ctx, now=monday - timedelta(days=1)) is False  # Sunday: not yet
    assert await weekly_forecast_snapshot(ctx, now=monday) is True
    assert await weekly_forecast_snapshot(ctx, now=monday + timedelta(hours=2)) is False  # once per ISO week


async def _active_project_with_an_appointment(stack, redis_client, db, events, service_env, ctx, name: str):
    """A kicked-off active project (target 20 a month) with one appointment on the last business day,
    once reporting-api has applied it: (project id, that day)."""
    ns = service_env["REDIS_NAMESPACE"]
    project_id, client_id, members, envelopes = await kick_off(redis_client, ns, events, name)
    director_id = uuid.UUID(envelopes[1].payload["director_id"])
    await publish(redis_client, ns, events.project(project_id, client_id, director_id, "active", name,
                                                   previous="kickoff"))

    async def kicked_off():
        return len(await deliveries_of(db, project_id)) == 9 and await open_deliveries(db, project_id) == 0

    await wait_until(kicked_off, within_s=60, what="kickoff done")
    day = last_business_day()
    call_id = uuid.uuid4()
    await publish(redis_client, ns, events.envelope("call.logged", "call", call_id, {
        "id": call_id, "project_id": project_id, "client_id": client_id, "member_id": members[0],
        "target_id": uuid.uuid4(), "occurred_at": datetime.combine(day, time(10), TOKYO),
        "outcome": "appointment", "duration_s": 60}, tenant=client_id))

    async def applied():
        status = await pace_status(ctx, project_id, day)
        return status is not None and status["pace"] is not None and status["pace"] > 0

    await wait_until(applied, within_s=60, interval=0.5, what="reporting-api applied the appointment")
    return project_id, day


@pytest.mark.slow
async def test_the_pace_threshold_is_reportings_and_moves_the_workers_warning(
    stack, worker, sandbox, redis_client, db, events, service_env, ctx,
) -> None:
    """Changing PACE_AT_RISK in reporting-api alone turns the worker's pace check from quiet to a warning."""
    stack.start("reporting")
    project_id, day = await _active_project_with_an_appointment(stack, redis_client, db, events, service_env, ctx,
                                                                "pace threshold")
    pace = (await pace_status(ctx, project_id, day))["pace"]
    afternoon = datetime.combine(day, time(14), TOKYO)
    key = f"pace:{project_id}:{day}"
    try:
        # The project's pace is just above the threshold: not behind, no warning.
        stack.restart("reporting", extra_env={"PACE_AT_RISK": str(pace * 0.9), "PACE_ON_TRACK": str(pace * 2)})
        # Other tests' active projects share the database, so the counts below are at least this project's.
        status = await pace_status(ctx, project_id, day)
        assert status["business_day"] and not status["behind"] and status["at_risk"] == pytest.approx(pace * 0.9)
        await pace_check(ctx, now=afternoon)
        assert await db.fetchrow("SELECT 1 FROM integrations.deliveries WHERE idempotency_key=$1", key) is None

        # The same pace, a threshold just above it: behind, and the director is warned (once).
        stack.restart("reporting", extra_env={"PACE_AT_RISK": str(pace * 1.1), "PACE_ON_TRACK": str(pace * 2)})
        assert (await pace_status(ctx, project_id, day))["behind"]
        assert await pace_check(ctx, now=afternoon) >= 1
        row = await db.fetchrow("SELECT action FROM integrations.deliveries WHERE idempotency_key=$1", key)
        assert row["action"] == "slack.notify_director"
        assert await pace_check(ctx, now=afternoon) == 0  # every project behind was warned, once
    finally:
        stack.restart("reporting")


def test_the_worker_keeps_no_calendar_or_pace_threshold_of_its_own() -> None:
    import anken_worker.cron.jobs as cron_jobs

    source = Path(cron_jobs.__file__).read_text(encoding="utf-8")
    assert not hasattr(cron_jobs, "is_business_day") and not hasattr(cron_jobs, "PACE_THRESHOLD")
    assert "jpholiday" not in source and "weekday()" not in source.split("def weekly_forecast_snapshot")[0]
