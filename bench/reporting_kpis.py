"""reporting-api KPI benchmark: read-model queries vs the same figures from raw calls, event
application rate, and rebuild time — in a throw-away database.

    python bench/reporting_kpis.py --calls 20000 --projects 30      # small, for a shared machine
    python bench/reporting_kpis.py --calls 10000000 --projects 300  # the issue's target scale

Uses DATABASE_URL's server (default postgresql://postgres@127.0.0.1:5432/postgres) to create
and drop a database `anken_bench_<random>`; REDIS_URL is only pinged by the app code paths.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
from fastapi import FastAPI, Query

ROOT = Path(__file__).resolve().parents[1]
OUTCOMES = ["no_answer"] * 40 + ["invalid_number"] * 3 + ["gatekeeper_block"] * 15 + ["absent"] * 17 + \
    ["connected_rejected"] * 15 + ["connected_followup"] * 7 + ["appointment"] * 3
VARIANTS = ["A", "B", "A:IT", "B:IT", None]
INDUSTRIES = ["IT", "製造", "小売", "金融", None]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=20_000, help="call events to generate (default 20,000)")
    parser.add_argument("--projects", type=int, default=30, help="projects (default 30; 5 members each)")
    parser.add_argument("--portfolio", type=int, default=30, help="projects in the benchmarked director's portfolio")
    parser.add_argument("--live-events", type=int, default=2_000,
                        help="events applied one transaction each, as the live consumer does")
    parser.add_argument("--queries", type=int, default=50, help="repetitions per query for p95")
    parser.add_argument("--seed", type=int, default=7)
    return parser.parse_args()


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def envelopes(args: argparse.Namespace):
    from anken_common.events import EventEnvelope

    rng = random.Random(args.seed)
    director = uuid.uuid4()
    sequence = 0
    setup, calls, raw = [], [], []
    projects = []
    for i in range(args.projects):
        project_id, client_id = uuid.uuid4(), uuid.uuid4()
        members = [uuid.uuid4() for _ in range(5)]
        projects.append((project_id, members))
        sequence += 1
        setup.append(EventEnvelope(type="project.created", aggregate_type="project", aggregate_id=str(project_id),
                                   sequence=sequence, payload={
            "id": str(project_id), "client_id": str(client_id), "director_id": str(director) if i < args.portfolio else
            str(uuid.uuid4()), "name": f"案件{i:03d}", "status": "active", "monthly_appointment_target": 30,
            "weekly_meeting_weekday": i % 5, "weekly_meeting_time": "10:00"}))
        sequence += 1
        setup.append(EventEnvelope(type="target_list.imported", aggregate_type="target_list", aggregate_id=str(uuid.uuid4()),
                                   sequence=sequence, payload={
            "id": str(uuid.uuid4()), "project_id": str(project_id), "client_id": str(client_id), "name": "list",
            "created": 100_000, "total_targets": 100_000, "callable_targets": 100_000}))
    end = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = end - timedelta(days=365)
    span = int((end - start).total_seconds())
    for _ in range(args.calls):
        project_id, members = projects[rng.randrange(len(projects))]
        member = members[rng.randrange(5)]
        occurred = start + timedelta(seconds=rng.randrange(span))
        outcome = rng.choice(OUTCOMES)
        variant, industry = rng.choice(VARIANTS), rng.choice(INDUSTRIES)
        duration = rng.randrange(5, 600)
        call_id = uuid.uuid4()
        sequence += 1
        calls.append(EventEnvelope(type="call.logged", aggregate_type="call", aggregate_id=str(call_id), sequence=sequence,
                                   payload={
            "id": str(call_id), "project_id": str(project_id), "client_id": str(uuid.UUID(int=0)),
            "member_id": str(member), "target_id": str(uuid.uuid4()), "target_industry": industry,
            "first_call_of_target": True, "occurred_at": occurred.isoformat(), "outcome": outcome,
            "duration_s": duration, "variant": variant}))
        raw.append((project_id, member, occurred, outcome, duration, variant, industry))
    return director, [p for p, _ in projects], setup, calls, raw


def export_app(events) -> FastAPI:
    app = FastAPI()
    payloads = [e.model_dump(mode="json") for e in events]

    @app.get("/v1/events")
    async def export(after: str | None = None, limit: int = Query(1000)) -> dict:
        first = int(after) if after else 0
        page = payloads[first:first + limit]
        return {"items": page, "next_cursor": str(first + len(page)) if first + len(page) < len(payloads) else None}

    return app


RAW_PERIOD = (
    "SELECT COUNT(*) AS calls, COUNT(*) FILTER (WHERE outcome IN ('connected_rejected','connected_followup','appointment')) "
    "AS contacts, COUNT(*) FILTER (WHERE outcome = 'appointment') AS appointments, COALESCE(SUM(duration_s), 0) "
    "FROM bench.raw_calls WHERE project_id = $1 AND occurred_at >= $2 AND occurred_at < $3"
)
RAW_DAILY = (
    "SELECT (occurred_at AT TIME ZONE 'Asia/Tokyo')::date AS day, COUNT(*) FROM bench.raw_calls "
    "WHERE project_id = $1 AND occurred_at >= $2 AND occurred_at < $3 GROUP BY 1"
)


def tokyo_midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(hours=9)


async def raw_month_kpis(conn: asyncpg.Connection, project_id: uuid.UUID, first: date, nxt: date, as_of: date) -> None:
    """The figures project_kpis answers (period, previous, month so far, last 10 business days), from raw calls."""
    prev_first = (first - timedelta(days=1)).replace(day=1)
    await conn.fetchrow(RAW_PERIOD, project_id, tokyo_midnight(first), tokyo_midnight(nxt))
    await conn.fetchrow(RAW_PERIOD, project_id, tokyo_midnight(prev_first), tokyo_midnight(first))
    await conn.fetchrow(RAW_PERIOD, project_id, tokyo_midnight(first), tokyo_midnight(as_of + timedelta(days=1)))
    await conn.fetch(RAW_DAILY, project_id, tokyo_midnight(as_of - timedelta(days=20)), tokyo_midnight(as_of + timedelta(days=1)))


async def compare_reads(resources, conn: asyncpg.Connection, project_ids: list, director: uuid.UUID, queries: int,
                        seed: int) -> dict[str, list[float]]:
    """Milliseconds per query: one project's month KPIs and a director's portfolio from the read models,
    each alternated with the same figures computed from raw calls (bench.raw_calls)."""
    from anken_reporting.calendar.business_days import month_bounds
    from anken_reporting.kpis.repository import projects_where
    from anken_reporting.kpis.service import project_kpis
    from anken_reporting.portfolio.service import build_portfolio

    rng = random.Random(seed)
    today = date.today()
    first, nxt = month_bounds(today)
    reads: dict[str, list[float]] = {"kpi": [], "raw": [], "portfolio": [], "raw_portfolio": [], "projects": []}
    for _ in range(queries):
        project_id = rng.choice(project_ids)
        t0 = time.perf_counter()
        async with resources.sessionmaker() as session:
            await project_kpis(session, project_id, first, nxt, as_of=today)
        reads["kpi"].append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        await raw_month_kpis(conn, project_id, first, nxt, today)
        reads["raw"].append((time.perf_counter() - t0) * 1000)
    for _ in range(max(5, queries // 5)):
        t0 = time.perf_counter()
        async with resources.sessionmaker() as session:
            projects = await projects_where(session, director_id=director)
            await build_portfolio(session, projects, director_id=director, on_track=1.0, at_risk=0.8)
        reads["portfolio"].append((time.perf_counter() - t0) * 1000)
        t0 = time.perf_counter()
        for project in projects:
            await conn.fetchrow(RAW_PERIOD, project["id"], tokyo_midnight(first), tokyo_midnight(today + timedelta(days=1)))
            await conn.fetch(RAW_DAILY, project["id"], tokyo_midnight(today - timedelta(days=20)),
                             tokyo_midnight(today + timedelta(days=1)))
        reads["raw_portfolio"].append((time.perf_counter() - t0) * 1000)
        reads["projects"] = [float(len(projects))]
    return reads


def print_reads(reads: dict[str, list[float]]) -> None:
    kpi, raw, portfolio, raw_portfolio = (p95(reads[k]) for k in ("kpi", "raw", "portfolio", "raw_portfolio"))
    print(f"project month KPIs   p95 {kpi:8.2f} ms   raw calls p95 {raw:8.2f} ms   raw/read-model {raw / kpi:.1f}x")
    print(f"portfolio ({int(reads['projects'][0])} proj) p95 {portfolio:8.2f} ms   raw calls p95 {raw_portfolio:8.2f} ms   "
          f"raw/read-model {raw_portfolio / portfolio:.1f}x")


async def main_async(args: argparse.Namespace, database_url: str) -> None:
    from anken_reporting.admin.export_client import http_fetcher
    from anken_reporting.admin.rebuild import create_job, run_rebuild
    from anken_reporting.consumers.runner import make_batch_handler, make_handler
    from anken_reporting.db import Resources
    from anken_reporting.settings import ReportingSettings

    settings = ReportingSettings(database_url=database_url, log_level="WARNING",
                                 redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    resources = Resources(settings)
    director, project_ids, setup, calls, raw = envelopes(args)
    print(f"generated {len(calls):,} call events over {len(project_ids)} projects", flush=True)
    try:
        handle = make_handler(resources.sessionmaker, settings)
        for envelope in setup:
            await handle(envelope)
        live = calls[: args.live_events]
        t0 = time.perf_counter()
        for envelope in live:
            await handle(envelope)
        live_rate = len(live) / (time.perf_counter() - t0) if live else 0.0
        # The live consumer reads up to 1,000 stream messages and applies them in one transaction.
        handle_batch = make_batch_handler(resources.sessionmaker, settings)
        rest = calls[args.live_events:]
        t0 = time.perf_counter()
        for i in range(0, len(rest), 1000):
            await handle_batch(rest[i:i + 1000])
        batch_rate = len(rest) / (time.perf_counter() - t0) if rest else 0.0

        conn = await asyncpg.connect(database_url.replace("postgresql+asyncpg://", "postgresql://"))
        await conn.execute("CREATE SCHEMA bench; CREATE TABLE bench.raw_calls (project_id uuid, member_id uuid, "
                           "occurred_at timestamptz, outcome text, duration_s int, variant text, industry text)")
        await conn.copy_records_to_table("raw_calls", schema_name="bench", records=raw)
        await conn.execute("CREATE INDEX ON bench.raw_calls (project_id, occurred_at); ANALYZE bench.raw_calls")

        reads = await compare_reads(resources, conn, project_ids, director, args.queries, args.seed + 1)
        await conn.close()

        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=export_app(setup + calls)),
                                     base_url="http://projects") as client:
            job_id = await create_job(resources.sessionmaker)
            t0 = time.perf_counter()
            ok = await run_rebuild(resources.engine, resources.sessionmaker, settings, job_id, http_fetcher(settings, client))
            rebuild_s = time.perf_counter() - t0

        print_reads(reads)
        print(f"event application    live {live_rate:,.0f} events/s (one transaction each)   "
              f"consumer batches {batch_rate:,.0f} events/s (1,000 per transaction)")
        print(f"rebuild              {rebuild_s:.1f} s for {len(setup) + len(calls):,} events "
              f"({(len(setup) + len(calls)) / rebuild_s:,.0f} events/s){'' if ok else '  FAILED'}")
        print(f"median month KPIs {statistics.median(reads['kpi']):.2f} ms, "
              f"median portfolio {statistics.median(reads['portfolio']):.2f} ms")
    finally:
        await resources.close()


def main() -> None:
    args = parse_args()
    sys.path.insert(0, str(ROOT / "services" / "reporting-api"))
    admin = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    base, _, _ = admin.rpartition("/")
    name = f"anken_bench_{uuid.uuid4().hex[:8]}"
    database_url = f"{base}/{name}"

    async def create() -> None:
        conn = await asyncpg.connect(admin)
        await conn.execute(f'CREATE DATABASE "{name}"')
        await conn.close()

    async def drop() -> None:
        conn = await asyncpg.connect(admin)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()

    asyncio.run(create())
    try:
        from anken_common.migrations_runner import upgrade

        upgrade("anken_reporting.migrations", database_url)
        asyncio.run(main_async(args, database_url))
    finally:
        asyncio.run(drop())


if __name__ == "__main__":
    main()
