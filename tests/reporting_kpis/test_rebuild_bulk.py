"""The bulk rebuild (call facts COPYed and folded in SQL) equals the incremental path and the
event-by-event replay, through edits, deletes, re-deliveries, late and duplicate deliveries,
list imports between calls, a time zone change, payloads only pydantic accepts and a payload
nobody accepts; a malformed export fails the job clearly and leaves the read models as they were.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator
from datetime import date

import httpx
import pytest
from fastapi import FastAPI, Query, Request
from fastapi.responses import StreamingResponse
from sqlalchemy import text

from anken_common.event_payloads import CONTACT_OUTCOMES
from anken_common.events import EventEnvelope
from anken_reporting.admin import rebuild as rebuild_module
from anken_reporting.admin.bulk_rebuild import IrregularExport
from anken_reporting.admin.export_client import http_fetcher
from anken_reporting.admin.rebuild import create_job, get_job, run_rebuild
from anken_reporting.db import Resources

from .builders import ProjectWorld, envelope
from .conftest import reporting_settings
from .feeding import feed, feed_batches
from .test_project_kpis import tokyo
from .test_rebuild import isolated_env, snapshot  # noqa: F401  (module fixture, shared helper)


@pytest.fixture(scope="module")
async def isolated(isolated_env) -> AsyncIterator[Resources]:  # noqa: F811
    resources = Resources(reporting_settings(isolated_env, rebuild_page_size=7))
    try:
        yield resources
    finally:
        await resources.close()


def ndjson_export_app(envelopes: list[EventEnvelope], *, bad_line_at: int | None = None) -> FastAPI:
    """projects-api's export: NDJSON when asked for it, JSON pages otherwise."""
    app = FastAPI()
    ordered = sorted(envelopes, key=lambda e: e.sequence)

    @app.get("/v1/events")
    async def events(request: Request, after: str | None = None, limit: int = Query(100)):
        if "application/x-ndjson" in request.headers.get("accept", ""):
            lines = [e.to_json().encode() for e in ordered]
            lines.insert(len(lines) // 2, b"")  # blank lines are allowed
            if bad_line_at is not None:
                lines.insert(bad_line_at, b'{"id": "truncated')

            async def body():
                for i in range(0, len(lines), 5):  # chunks that split lines anywhere
                    yield b"\n".join(lines[i:i + 5]) + b"\n"

            return StreamingResponse(body(), media_type="application/x-ndjson")
        start = int(after) if after else 0
        page = ordered[start:start + limit]
        return {"items": [e.model_dump(mode="json") for e in page],
                "next_cursor": str(start + len(page)) if start + len(page) < len(ordered) else None}

    return app


CSV_COLUMNS = ("sequence", "event_id", "type", "call_id", "project_id", "client_id", "member_id", "target_id",
               "occurred_at", "variant", "script_version_id", "industry", "outcome", "duration_s", "first_call", "envelope")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _facts(e: EventEnvelope) -> list | None:
    """A call event's CSV facts when its payload is plainly canonical (projects-api's rule is
    stricter still); None sends the envelope, which the reader then judges itself."""
    p = e.payload
    if not e.type.startswith("call.") or not all(isinstance(p.get(k), str) and _UUID.match(p[k])
                                                 for k in ("id", "project_id", "client_id", "member_id", "target_id")):
        return None
    if type(p.get("duration_s")) is not int or p.get("outcome") not in CONTACT_OUTCOMES | {"no_answer", "absent"}:
        return None
    return [p["id"], p["project_id"], p["client_id"], p["member_id"], p["target_id"], p["occurred_at"],
            (p.get("variant") or "")[:64], p.get("script_version_id"), (p.get("target_industry") or "")[:100],
            p["outcome"], p["duration_s"], "true" if p.get("first_call_of_target") else "false"]


def csv_export_app(envelopes: list[EventEnvelope], *, impossible_date: bool = False) -> FastAPI:
    """projects-api's export with its CSV of call facts (and NDJSON / JSON pages otherwise);
    `impossible_date` sends one fact with 30 February, which only PostgreSQL's COPY can refuse."""
    fallback = ndjson_export_app(envelopes)
    ordered = sorted(envelopes, key=lambda e: e.sequence)

    @fallback.middleware("http")
    async def as_csv(request: Request, call_next):
        if request.headers.get("accept") != "text/csv":
            return await call_next(request)
        def field(value) -> str:  # as PostgreSQL writes CSV: NULL unquoted and empty, text quoted when it must be
            if value is None or isinstance(value, int):
                return "" if value is None else str(value)
            return '"' + value.replace('"', '""') + '"'

        lines, corrupt = [], impossible_date
        for e in ordered:
            facts = _facts(e)
            if facts and corrupt:
                facts[5], corrupt = "2027-02-30T10:00:00+09:00", False
            row = [e.sequence, str(e.id), e.type, *(facts or [None] * 12), None if facts else e.to_json()]
            lines.append(",".join(field(v) for v in row) + "\n")
        body = "".join(lines).encode()
        return StreamingResponse(iter([body[i:i + 97] for i in range(0, len(body), 97)]), media_type="text/csv",
                                 headers={"X-Anken-Columns": ",".join(CSV_COLUMNS)})

    return fallback


def scenario() -> tuple[list[EventEnvelope], list[EventEnvelope]]:
    """(the export in sequence order, what the live stream delivered: late edits, duplicates)."""
    world = ProjectWorld(target=10, members=3)
    abroad = ProjectWorld(timezone="America/New_York")
    exported = [*world.setup(), *abroad.setup()]
    early = world.call(tokyo(2027, 1, 4, 9), "no_answer")  # before any import: not in the stock
    exported += [early, world.list_imported(100), world.hours(date(2027, 1, 4), 4.0), world.target_status("new", "dnc")]
    a = world.call(tokyo(2027, 1, 4, 10), "connected_followup", variant="A", industry="IT")
    b = world.call(tokyo(2027, 1, 5), "appointment", member=1, variant="B")
    c = world.call(tokyo(2027, 1, 6), "no_answer", first_call=False)
    d = world.call(tokyo(2027, 1, 7, 23), "absent", member=2)
    exported += [a, b, c, d]
    edit_a = world.call_change("call.updated", a, outcome="appointment", first_call_of_target=False)
    move_b = world.call_change("call.updated", b, member_id=str(world.members[2]),
                               occurred_at=tokyo(2027, 1, 6, 11).isoformat())
    delete_c = world.call_change("call.deleted", c)
    exported += [edit_a, move_b, delete_c, world.appointment(tokyo(2027, 1, 5), member=1, handoff_status="held")]
    # The same call logged again under a new event id (a re-publish): the newer snapshot wins.
    exported.append(envelope("call.logged", "call", a.payload["id"], dict(a.payload), tenant=world.client_id))
    relogged_d = dict(d.payload, duration_s=90)  # and one never edited: the fold's optimistic pass must notice
    exported.append(envelope("call.logged", "call", d.payload["id"], relogged_d, tenant=world.client_id))
    # A second import resets the stock count; what follows counts, including taking back `early`.
    exported += [world.list_imported(80), world.call_change("call.deleted", early), world.target_status("callback", "dnc"),
                 world.target_status("new", "excluded"), world.target_status("dnc", "new")]
    e = world.call(tokyo(2027, 1, 8, 14), "connected_rejected", member=1, industry="製造")
    exported += [e, world.call_change("call.updated", e, duration_s=300, variant="B:製造")]
    # Another project whose zone changes: the day of a call follows the zone of its time.
    before_tz = abroad.call(tokyo(2027, 1, 5, 12), "appointment")  # 2027-01-04 in New York
    exported += [before_tz, abroad.project(timezone="Asia/Tokyo"), abroad.call(tokyo(2027, 1, 5, 12), "absent")]
    # Payloads in a form only pydantic reads, and one that breaks the contract.
    odd = world.call_payload(tokyo(2027, 1, 6, 15), "appointment", variant="A")
    odd.update(project_id=odd["project_id"].upper(), duration_s="45", id=uuid.uuid4().hex)
    broken = world.call_payload(tokyo(2027, 1, 6, 16), "no_answer")
    broken["outcome"] = "hung_up"
    exported += [envelope("call.logged", "call", odd["id"], odd), envelope("call.logged", "call", broken["id"], broken)]
    stranger = ProjectWorld()  # a project reporting-api never heard of: its calls count on Tokyo days
    exported.append(stranger.call(tokyo(2027, 1, 4, 1), "no_answer"))
    exported.append(world.contract_change("upsell", date(2027, 1, 8), hours_before=160, hours_after=200,
                                          scope_increased=True))
    # The stream delivered one edit before its call, and some events twice.
    delivered = list(exported)
    i, j = delivered.index(e), delivered.index(exported[exported.index(e) + 1])
    delivered[i], delivered[j] = delivered[j], delivered[i]
    delivered += [b, edit_a, exported[0], move_b]
    return exported, delivered


async def rebuild(resources: Resources, app: FastAPI) -> dict:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://projects") as client:
        job_id = await create_job(resources.sessionmaker)
        await run_rebuild(resources.engine, resources.sessionmaker, resources.settings, job_id,
                          http_fetcher(resources.settings, client))
    async with resources.sessionmaker() as session:
        return dict(await get_job(session, job_id))


async def test_bulk_rebuild_equals_incremental_and_replay(isolated, monkeypatch) -> None:
    exported, delivered = scenario()
    await feed(isolated, *delivered)
    incremental = await snapshot(isolated)
    assert len(incremental["call_states"]) == 10 and incremental["target_stock"]
    # (project, callable at the last import, first calls since, withdrawn since: +1 +1 −1 after the second import)
    assert (world_stock := incremental["target_stock"][0])[1:] == (80, world_stock[2], 1), incremental["target_stock"]

    async def no_replay(*args, **kwargs):
        raise AssertionError("the bulk path should not fall back to replaying")

    monkeypatch.setattr(rebuild_module, "replay_rebuild", no_replay)
    job = await rebuild(isolated, ndjson_export_app(exported))
    assert job["status"] == "succeeded", job["error"]
    assert job["events_applied"] == len(exported) - 1  # all but the broken payload
    assert job["pages"] == -(-len(exported) // 7) and job["cursor"] == str(max(e.sequence for e in exported))
    assert await snapshot(isolated) == incremental
    monkeypatch.undo()

    # The event-by-event replay (used for irregular exports) agrees.
    async def irregular(*args, **kwargs):
        raise IrregularExport("forced by the test")

    monkeypatch.setattr(rebuild_module, "bulk_rebuild", irregular)
    assert (await rebuild(isolated, ndjson_export_app(exported)))["status"] == "succeeded"
    assert await snapshot(isolated) == incremental
    monkeypatch.undo()

    # And so does the batched live path on emptied read models.
    assert (await rebuild(isolated, ndjson_export_app([])))["status"] == "succeeded"
    assert (await snapshot(isolated))["call_states"] == []
    await feed_batches(isolated, delivered, 5)
    assert await snapshot(isolated) == incremental


async def test_csv_export_is_folded_as_the_ndjson_one(isolated, monkeypatch) -> None:
    """The CSV of call facts (COPYed as it comes, day in SQL) gives exactly the incremental path's
    read models: edits among the fact rows, envelopes for payloads only pydantic reads or nobody
    accepts, a zone change mid-stream, a call of an unknown project."""
    from anken_reporting.admin import bulk_rebuild as bulk_module

    exported, delivered = scenario()
    assert (await rebuild(isolated, ndjson_export_app([])))["status"] == "succeeded"  # empty read models
    await feed(isolated, *delivered)
    incremental = await snapshot(isolated)
    fact_rows = [e for e in exported if _facts(e)]
    assert any(e.type != "call.logged" for e in fact_rows) and len(fact_rows) < sum(
        e.type.startswith("call.") for e in exported)

    async def no_ndjson(*args, **kwargs):
        raise AssertionError("the CSV was offered: the NDJSON stream should not be read")

    monkeypatch.setattr(bulk_module, "_stage", no_ndjson)
    monkeypatch.setattr(rebuild_module, "replay_rebuild", no_ndjson)
    assert (await rebuild(isolated, ndjson_export_app([])))["status"] == "failed"  # no CSV offered: NDJSON asked
    job = await rebuild(isolated, csv_export_app(exported))
    assert job["status"] == "succeeded", job["error"]
    assert job["events_applied"] == len(exported) - 1  # all but the broken payload
    assert job["cursor"] == str(max(e.sequence for e in exported))
    assert await snapshot(isolated) == incremental
    async with isolated.sessionmaker() as session:
        leftovers = (await session.execute(text(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'reporting' AND c.relname ~ '^rebuild_(calls|chain|csv|extra|zones|facts)_'"))).scalar()
    assert leftovers == 0

    # A fact PostgreSQL cannot read: the NDJSON stream is read instead (and judges that call itself).
    monkeypatch.undo()
    monkeypatch.setattr(rebuild_module, "replay_rebuild", no_ndjson)
    job = await rebuild(isolated, csv_export_app(exported, impossible_date=True))
    assert job["status"] == "succeeded", job["error"]
    assert await snapshot(isolated) == incremental

    # Sequences that do not rise in the CSV: replayed event by event, as for NDJSON.
    monkeypatch.undo()
    repeated = [*exported, exported[-1].model_copy(update={"sequence": exported[0].sequence})]
    assert (await rebuild(isolated, csv_export_app(repeated)))["status"] == "succeeded"
    assert await snapshot(isolated) == incremental


async def test_export_with_sequences_out_of_order_is_replayed_event_by_event(isolated) -> None:
    exported, _ = scenario()
    reference = await rebuild(isolated, ndjson_export_app(exported))
    assert reference["status"] == "succeeded"
    expected = await snapshot(isolated)

    class Unsorted:  # an export that repeats an event: its sequence does not increase
        async def pages(self):
            from anken_reporting.admin.export_client import ExportPage

            items = [e.to_json().encode() for e in sorted(exported, key=lambda e: e.sequence)]
            yield ExportPage(items=items + items[-3:], next_cursor=None)

    job_id = await create_job(isolated.sessionmaker)
    assert await run_rebuild(isolated.engine, isolated.sessionmaker, isolated.settings, job_id, Unsorted())
    assert await snapshot(isolated) == expected


async def test_a_malformed_export_line_fails_the_job_and_keeps_the_read_models(isolated) -> None:
    exported, _ = scenario()
    assert (await rebuild(isolated, ndjson_export_app(exported)))["status"] == "succeeded"
    before = await snapshot(isolated)
    job = await rebuild(isolated, ndjson_export_app(exported, bad_line_at=9))
    assert job["status"] == "failed" and "ExportFormatError" in job["error"] and "not JSON" in job["error"]
    assert await snapshot(isolated) == before
    async with isolated.sessionmaker() as session:
        leftovers = (await session.execute(text(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'reporting' AND tablename ~ '^rebuild_(calls|chain)_'"
        ))).scalar()
    assert leftovers == 0  # staging tables are dropped on failure too

    not_an_envelope = [e.to_json().encode() for e in exported[:3]]
    not_an_envelope[1] = json.dumps({"type": "project.created", "sequence": 10**12}).encode()  # no aggregate

    class Source:
        async def pages(self):
            from anken_reporting.admin.export_client import ExportPage

            yield ExportPage(items=not_an_envelope, next_cursor=None)

    job_id = await create_job(isolated.sessionmaker)
    assert not await run_rebuild(isolated.engine, isolated.sessionmaker, isolated.settings, job_id, Source())
    async with isolated.sessionmaker() as session:
        job = await get_job(session, job_id)
    assert "not an event envelope" in job["error"]
    assert await snapshot(isolated) == before
