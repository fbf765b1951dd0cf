"""Demo data, loaded once in demo mode, through the running services (see demo/loader.py).

A row in projects.demo_markers records that the demo was loaded; a second run does nothing.
`make demo-reset` throws the databases, Redis namespace and sandbox away and loads it again.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

import httpx
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from anken_common.auth_tokens import issue_service_token
from anken_common.database import make_engine, make_sessionmaker
from anken_common.settings import Environment
from anken_projects.demo import catalogue as cat
from anken_projects.demo.api import DemoLoadError, ServiceApi, wait_ready
from anken_projects.demo.loader import SEED, DemoLoader
from anken_projects.demo.month import TZ
from anken_projects.demo.pipeline import plan_pipeline
from anken_projects.settings import SCHEMA, ProjectsSettings

MARKER = "demo-v2"
TOKEN_TTL_S = 1800
PIPELINE_CATCH_UP_S = 60


class DemoRefused(RuntimeError):
    """The demo is never loaded into a production system."""


async def is_loaded(session: AsyncSession) -> bool:
    row = await session.execute(sa.text(f"SELECT 1 FROM {SCHEMA}.demo_markers WHERE key = :k"), {"k": MARKER})
    return row.first() is not None


async def mark_loaded(session: AsyncSession, counts: dict[str, int]) -> None:
    await session.execute(sa.text(
        f"INSERT INTO {SCHEMA}.demo_markers (key, counts) VALUES (:k, CAST(:c AS jsonb)) "
        "ON CONFLICT (key) DO UPDATE SET counts = EXCLUDED.counts, loaded_at = now()"
    ), {"k": MARKER, "c": json.dumps(counts)})


async def load_demo(projects: ServiceApi, reporting: ServiceApi | None, password: str,
                    sessionmaker: async_sessionmaker[AsyncSession], now: datetime | None = None) -> dict[str, int]:
    """Everything of the demo; `reporting` None leaves out what reporting-api does (published reports,
    forecast snapshots), for a projects-api running alone."""
    now = now or datetime.now(UTC)
    loader = DemoLoader(projects, reporting, password, now)
    # Staff and the agency's pipeline first: their events precede the calls, so once reporting-api
    # has every call it has every deal too.
    await loader.timed("staff", loader.staff())
    await loader.timed("quotas", _quotas(projects, loader, now))
    manager = reporting.as_(loader.tokens["manager"]) if reporting is not None else None
    await loader.timed("deals", _pipeline(sessionmaker, manager, loader, now))
    await loader.load()
    print("demo load phases (s): " + ", ".join(f"{k} {v:.1f}" for k, v in loader.timings.items()), flush=True)
    return loader.counts


async def _quotas(projects: ServiceApi, loader: DemoLoader, now: datetime) -> None:
    today = now.astimezone(TZ).date()
    start = today.replace(month=3 * ((today.month - 1) // 3) + 1, day=1)
    previous = (start - timedelta(days=1)).replace(day=1)
    previous = previous.replace(month=3 * ((previous.month - 1) // 3) + 1)
    end = (start + timedelta(days=95)).replace(day=1)
    for key, amount in cat.QUOTAS:
        for first, last in ((previous, start), (start, end)):
            await projects.post("/v1/quotas", {"owner_id": loader.users[key]["id"], "period_start": first.isoformat(),
                                               "period_end": last.isoformat(), "amount": amount})
            loader.count("quotas")


async def _pipeline(sessionmaker: async_sessionmaker[AsyncSession], manager: ServiceApi | None, loader: DemoLoader,
                    now: datetime) -> None:
    """Replay the deals' history; on each of the last four Mondays reporting-api takes the week's
    forecast snapshot of the pipeline as it stood then (so accuracy compares a real past forecast)."""
    async with sessionmaker() as session:
        plan = await plan_pipeline(session, {k: uuid.UUID(u["id"]) for k, u in loader.users.items()}, now, SEED)
    today = now.astimezone(TZ).date()
    mondays = [today - timedelta(days=today.weekday() + 7 * weeks_ago) for weeks_ago in (4, 3, 2, 1)]
    if manager is not None:  # without reporting-api there are no snapshots to take
        for monday in mondays:
            async with sessionmaker() as session, session.begin():
                await plan.replay_until(session, datetime.combine(monday, clock_time(9), TZ))
            await _wait_for_pipeline(manager, plan.expected(), today)
            await manager.post("/v1/forecast/snapshots", {"as_of": monday.isoformat()})
            loader.count("forecast_snapshot_weeks")
    async with sessionmaker() as session, session.begin():
        await plan.replay_until(session, now)
    loader.count("deals", plan.deals)


async def _wait_for_pipeline(manager: ServiceApi, expected: dict[str, int], today: date) -> None:
    """Until reporting-api has folded in every deal event written so far."""
    deadline = time.monotonic() + PIPELINE_CATCH_UP_S
    params = {"from": (today - timedelta(days=400)).isoformat(), "to": (today + timedelta(days=1)).isoformat()}
    while True:
        totals = (await manager.get("/v1/pipeline/summary", **params))["totals"]
        seen = {"deals": totals["open_deals"] + totals["won_count"] + totals["lost_count"], "won": totals["won_count"],
                "won_amount": totals["won_amount"], "lost": totals["lost_count"]}
        if seen == expected:
            return
        if time.monotonic() > deadline:
            raise DemoLoadError(f"reporting-api's pipeline shows {seen}, expected {expected}")
        await asyncio.sleep(0.3)


async def seed_demo(settings: ProjectsSettings, *, force: bool = False) -> dict[str, int]:
    """Load the demo through the services at PROJECTS_API_URL / REPORTING_API_URL once they are ready;
    returns what was created (empty when it was there already)."""
    if settings.anken_env == Environment.production:
        raise DemoRefused("the demo is never loaded with ANKEN_ENV=production")
    engine = make_engine(settings.async_database_url, SCHEMA)
    try:
        sessionmaker = make_sessionmaker(engine)
        async with sessionmaker() as session:
            if await is_loaded(session) and not force:
                print("demo data already loaded; nothing to do", flush=True)
                return {}
        started = time.monotonic()
        await wait_ready(settings.projects_api_url)
        await wait_ready(settings.reporting_api_url)
        token = issue_service_token(settings.anken_secret_key, "demo-loader", ttl_s=TOKEN_TTL_S)
        async with httpx.AsyncClient(base_url=settings.projects_api_url, timeout=300) as projects, \
                httpx.AsyncClient(base_url=settings.reporting_api_url, timeout=120) as reporting:
            counts = await load_demo(ServiceApi(projects, token), ServiceApi(reporting, token),
                                     settings.anken_demo_password, sessionmaker)
        async with sessionmaker() as session, session.begin():
            await mark_loaded(session, counts)
        print(f"demo data loaded in {time.monotonic() - started:.1f} s: "
              + ", ".join(f"{k}={v}" for k, v in counts.items()), flush=True)
        return counts
    finally:
        await engine.dispose()
