"""A rebuild from projects-api's export gives exactly the read models of the incremental path.

Runs in its own database (a rebuild empties every read model), with the export served over
HTTP by a small app speaking projects-api's `GET /v1/events?after=` contract.
"""

from __future__ import annotations

import asyncio
import subprocess
from collections.abc import AsyncIterator, Iterator
from datetime import date

import httpx
import pytest
from asgi_lifespan import LifespanManager
from fastapi import FastAPI, Query
from sqlalchemy import text

from anken_common.auth_tokens import Role, issue_user_token
from anken_common.events import EventEnvelope
from anken_reporting.admin.export_client import http_fetcher
from anken_reporting.admin.rebuild import create_job, get_job, run_rebuild
from anken_reporting.db import Resources
from anken_reporting.kpis.service import project_kpis
from anken_reporting.main import create_app
from harness.infra import create_infra, destroy_infra
from harness.processes import base_env

from .builders import ProjectWorld
from .conftest import reporting_settings
from .feeding import feed, feed_batches
from .test_project_kpis import tokyo

SNAPSHOT_TABLES = {
    "projects": "id", "users": "id", "assignments": "id", "worked_hours": "project_id, member_id, day",
    "call_daily_rollups": "project_id, day, member_id, variant, script_version_id, industry",
    "call_project_days": "project_id, day",
    "call_states": "call_id", "target_stock": "project_id", "contract_changes": "id", "appointments": "id",
}


@pytest.fixture(scope="module")
def isolated_env() -> Iterator[dict[str, str]]:
    infra = create_infra()
    env = base_env(infra)
    subprocess.run(["anken-reporting", "migrate"], env=env, check=True, capture_output=True, timeout=180)
    try:
        yield env
    finally:
        destroy_infra(infra)


@pytest.fixture(scope="module")
async def isolated(isolated_env) -> AsyncIterator[Resources]:
    resources = Resources(reporting_settings(isolated_env, rebuild_page_size=7))
    try:
        yield resources
    finally:
        await resources.close()


def export_app(envelopes: list[EventEnvelope]) -> FastAPI:
    """projects-api's export contract: envelopes in outbox order, paged by an opaque cursor."""
    app = FastAPI()
    ordered = sorted(envelopes, key=lambda e: e.sequence)

    @app.get("/v1/events")
    async def events(after: str | None = None, limit: int = Query(100)) -> dict:
        start = int(after) if after else 0
        page = ordered[start:start + limit]
        return {"items": [e.model_dump(mode="json") for e in page],
                "next_cursor": str(start + len(page)) if start + len(page) < len(ordered) else None}

    return app


def scenario() -> tuple[ProjectWorld, list[EventEnvelope], list[EventEnvelope]]:
    """(world, what projects-api exported, the order the live stream delivered with duplicates)."""
    world = ProjectWorld(target=19, extra_closed_days=[date(2027, 1, 8)])
    exported = [*world.setup(), world.list_imported(50), world.hours(date(2027, 1, 4), 3.0)]
    a = world.call(tokyo(2027, 1, 4), "no_answer", variant="A", industry="IT")
    b = world.call(tokyo(2027, 1, 5), "appointment", variant="B", member=1)
    c = world.call(tokyo(2027, 1, 6), "connected_rejected", variant="A:IT")
    exported += [a, b, c]
    edit_a = world.call_change("call.updated", a, outcome="appointment")
    delete_c = world.call_change("call.deleted", c)
    exported += [edit_a, delete_c, world.hours(date(2027, 1, 4), 2.5),
                 world.contract_change("renewal", date(2027, 1, 4), term_end=date(2027, 1, 3), hours_before=100, hours_after=120),
                 world.appointment(tokyo(2027, 1, 5), member=1, handoff_status="held")]
    exported += [world.call(tokyo(2027, 1, 7, 23), "connected_followup", member=i % 2) for i in range(12)]
    # The stream delivered the edit before its call, and some events twice.
    delivered = list(exported)
    i, j = delivered.index(a), delivered.index(edit_a)
    delivered[i], delivered[j] = delivered[j], delivered[i]
    delivered += [b, edit_a, exported[0]]
    return world, exported, delivered


async def snapshot(resources: Resources) -> dict[str, list]:
    result = {}
    async with resources.sessionmaker() as session:
        for table, order in SNAPSHOT_TABLES.items():
            columns = "*" if table != "call_daily_rollups" else (
                "project_id, member_id, day, variant, script_version_id, industry, calls, contacts, appointments, "
                "duration_s, first_calls")
            rows = (await session.execute(text(f"SELECT {columns} FROM reporting.{table} ORDER BY {order}"))).all()
            result[table] = [tuple(row) for row in rows]
        # Whichever path wrote them, the project totals are exactly the fine rollups summed.
        summed = (await session.execute(text(
            "SELECT project_id, day, sum(calls), sum(contacts), sum(appointments), sum(duration_s), sum(first_calls) "
            "FROM reporting.call_daily_rollups GROUP BY project_id, day ORDER BY project_id, day"))).all()
    assert result["call_project_days"] == [tuple(row) for row in summed]
    return result


async def test_rebuild_equals_the_incremental_path(isolated) -> None:
    world, exported, delivered = scenario()
    await feed(isolated, *delivered)
    incremental = await snapshot(isolated)
    async with isolated.sessionmaker() as session:
        before = await project_kpis(session, world.project_id, date(2027, 1, 1), date(2027, 2, 1), "member", date(2027, 1, 12))
    assert before.calls == 14 and before.appointments == 2 and before.month.business_days_in_month == 18

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=export_app(exported)), base_url="http://projects") as client:
        job_id = await create_job(isolated.sessionmaker)
        ok = await run_rebuild(isolated.engine, isolated.sessionmaker, isolated.settings, job_id,
                               http_fetcher(isolated.settings, client))
    assert ok
    async with isolated.sessionmaker() as session:
        job = await get_job(session, job_id)
        after = await project_kpis(session, world.project_id, date(2027, 1, 1), date(2027, 2, 1), "member", date(2027, 1, 12))
    assert job["status"] == "succeeded" and job["events_applied"] == len(exported) and job["pages"] == 4
    assert await snapshot(isolated) == incremental
    assert after.model_dump() == before.model_dump()
    async with isolated.sessionmaker() as session:  # the rebuild records each project's latest event too
        project_sequence = (await session.execute(text("SELECT sequence FROM reporting.projects WHERE id = :id"),
                                                  {"id": world.project_id})).scalar()
    assert project_sequence == max(e.sequence for e in exported if e.type.startswith("project."))

    # The batched live path (bulk calls, duplicates and out-of-order inside a batch) agrees too.
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=export_app([])), base_url="http://projects") as client:
        empty_job = await create_job(isolated.sessionmaker)
        assert await run_rebuild(isolated.engine, isolated.sessionmaker, isolated.settings, empty_job,
                                 http_fetcher(isolated.settings, client))
    assert (await snapshot(isolated))["call_daily_rollups"] == []
    await feed_batches(isolated, delivered, 6)
    assert await snapshot(isolated) == incremental


async def test_admin_endpoint_runs_a_rebuild_with_progress(isolated, isolated_env) -> None:
    settings = reporting_settings(isolated_env, projects_api_url="http://127.0.0.1:9")  # nothing listens there
    app = create_app(settings)
    admin = {"Authorization": f"Bearer {issue_user_token(settings.anken_secret_key, 'a7d8c9b0-0000-4000-8000-000000000001', Role.admin)}"}
    async with LifespanManager(app), httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://r") as client:
        director = {"Authorization": f"Bearer {issue_user_token(settings.anken_secret_key, 'a7d8c9b0-0000-4000-8000-000000000002', Role.director)}"}
        assert (await client.post("/v1/admin/rebuild", headers=director)).status_code == 403
        started = await client.post("/v1/admin/rebuild", headers=admin)
        assert started.status_code == 202, started.text
        job_id = started.json()["id"]
        for _ in range(100):
            job = (await client.get(f"/v1/admin/rebuild/{job_id}", headers=admin)).json()
            if job["status"] in ("succeeded", "failed"):
                break
            await asyncio.sleep(0.1)
        # projects-api is unreachable here: the job fails and says why, rather than hanging.
        assert job["status"] == "failed" and "ConnectError" in job["error"]
        assert (await client.get("/v1/admin/rebuild/00000000-0000-4000-8000-000000000000", headers=admin)).status_code == 404


async def test_rebuild_waits_for_live_application_in_flight(isolated) -> None:
    from anken_reporting.consumers.runner import LOCK_SHARED, REBUILD_LOCK_KEY

    world, exported, _ = scenario()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=export_app(exported)), base_url="http://projects") as client:
        job_id = await create_job(isolated.sessionmaker)
        async with isolated.sessionmaker() as live, live.begin():
            await live.execute(LOCK_SHARED, {"k": REBUILD_LOCK_KEY})  # a live batch mid-transaction
            task = asyncio.create_task(run_rebuild(isolated.engine, isolated.sessionmaker, isolated.settings, job_id,
                                                   http_fetcher(isolated.settings, client)))
            await asyncio.sleep(1.0)
            async with isolated.sessionmaker() as session:
                assert (await get_job(session, job_id))["status"] == "queued"
        assert await asyncio.wait_for(task, 60)
    async with isolated.sessionmaker() as session:
        assert (await get_job(session, job_id))["status"] == "succeeded"
        result = await project_kpis(session, world.project_id, date(2027, 1, 1), date(2027, 2, 1), as_of=date(2027, 1, 12))
    assert result.calls == 14
