"""GET /v1/events: outbox order, cursor pages, type filter, NDJSON streaming, no skipped late commits."""

from __future__ import annotations

import asyncio
import json

import sqlalchemy as sa

from anken_common.auth_tokens import issue_service_token
from anken_projects.outbox.writer import record_event


async def all_pages(api, headers, **params) -> list[dict]:
    items, cursor = [], None
    while True:
        query = {**params, **({"after": cursor} if cursor else {})}
        page = (await api.get("/v1/events", params=query, headers=headers)).json()
        items += page["items"]
        if page["next_cursor"] is None:
            return items
        cursor = page["next_cursor"]


async def last_sequence(resources) -> int:
    async with resources.engine.connect() as conn:
        return (await conn.execute(sa.text("SELECT coalesce(max(id), 0) FROM projects.outbox_events"))).scalar_one()


async def test_export_pages_follow_outbox_order(api, actors, resources) -> None:
    first = (await api.get("/v1/events", params={"limit": 1}, headers=actors["admin"].headers)).json()
    assert first["items"][0]["type"] == "pipeline.changed", "the default pipeline is the first event"
    start = await last_sequence(resources)
    h = actors["manager"].headers
    for i in range(3):
        await api.post("/v1/deals", json={"name": f"export {i}", "account_name": "株式会社順序"}, headers=h)
    items = await all_pages(api, actors["admin"].headers, limit=2, after=start)
    sequences = [e["sequence"] for e in items]
    assert sequences == sorted(sequences) and len(set(sequences)) == len(sequences)
    names = [e["payload"]["name"] for e in items if e["type"] == "deal.created" and e["payload"]["name"].startswith("export")]
    assert names == ["export 0", "export 1", "export 2"]
    tail = (await api.get("/v1/events", params={"after": sequences[-2]}, headers=actors["admin"].headers)).json()
    assert [e["sequence"] for e in tail["items"]] == [sequences[-1]]


async def test_export_filters_by_type_and_validates(api, actors) -> None:
    h = actors["admin"].headers
    only = await all_pages(api, h, types="pipeline.changed,quota.set")
    assert only and {e["type"] for e in only} <= {"pipeline.changed", "quota.set"}
    bad = await api.get("/v1/events", params={"types": "deal.exploded"}, headers=h)
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "types"
    assert (await api.get("/v1/events", params={"after": -1}, headers=h)).status_code == 422


async def test_export_is_for_admins_and_services(api, actors, resources) -> None:
    assert (await api.get("/v1/events", headers=actors["manager"].headers)).status_code == 403
    assert (await api.get("/v1/events")).status_code == 401
    token = issue_service_token(resources.settings.anken_secret_key, "reporting-api")
    assert (await api.get("/v1/events", headers={"Authorization": f"Bearer {token}"})).status_code == 200


async def test_ndjson_stream_matches_pages(api, actors) -> None:
    h = actors["admin"].headers
    pages = await all_pages(api, h)
    async with api.stream("GET", "/v1/events", headers={**h, "Accept": "application/x-ndjson"}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/x-ndjson")
        lines = [json.loads(line) async for line in response.aiter_lines() if line]
    assert [e["id"] for e in lines[: len(pages)]] == [e["id"] for e in pages]
    limited = await api.get("/v1/events", params={"limit": 2, "after": pages[0]["sequence"]},
                            headers={**h, "Accept": "application/x-ndjson"})
    assert [json.loads(line)["sequence"] for line in limited.text.splitlines()] == [p["sequence"] for p in pages[1:3]]


async def test_export_waits_for_a_transaction_holding_an_earlier_id(api, actors, resources) -> None:
    """A writer that took id N but commits after id N+1 must not be skipped by a cursor."""
    h = actors["admin"].headers
    before = await all_pages(api, h)
    cursor = before[-1]["sequence"]
    async with resources.sessionmaker() as slow:
        await slow.begin()
        record_event(slow, "quota.set", aggregate_type="test", aggregate_id="slow", tenant=None, payload={"n": 1})
        await slow.flush()  # id N taken, not committed
        async with resources.sessionmaker() as fast, fast.begin():
            record_event(fast, "quota.set", aggregate_type="test", aggregate_id="fast", tenant=None, payload={"n": 2})
        reader = asyncio.create_task(api.get("/v1/events", params={"after": cursor}, headers=h))
        await asyncio.sleep(0.3)
        assert not reader.done(), "the export waits for the open writer instead of answering past it"
        await slow.commit()
    page = (await reader).json()
    assert [e["aggregate_id"] for e in page["items"]] == ["slow", "fast"]
    async with resources.engine.begin() as conn:
        await conn.execute(sa.text("DELETE FROM projects.outbox_events WHERE aggregate_type = 'test'"))


async def test_csv_stream_carries_canonical_call_facts_and_every_other_event_whole(api, actors, resources) -> None:
    """`Accept: text/csv`: one row per event in outbox order; a canonical call event as its facts,
    anything else — other events, call payloads a reader must judge itself — as its envelope."""
    import csv
    import io
    import uuid

    h = actors["admin"].headers
    start = await last_sequence(resources)
    ids = {k: str(uuid.uuid4()) for k in ("call", "project", "client", "member", "target", "version")}
    canonical = {"id": ids["call"], "project_id": ids["project"], "client_id": ids["client"],
                 "member_id": ids["member"], "target_id": ids["target"], "target_industry": "製造," + "x" * 120,
                 "first_call_of_target": True, "occurred_at": "2027-01-04T09:30:00.25+09:00", "outcome": "appointment",
                 "duration_s": 45, "script_version_id": ids["version"], "variant": 'A "quoted", ' + "v" * 70,
                 "previous": None}
    plain = {**canonical, "target_industry": None, "variant": None, "script_version_id": None,
             "occurred_at": "2027-01-04T00:00:00Z"}
    del plain["first_call_of_target"], plain["previous"]
    # The shape is checked, not the parse: these are facts, whose values the reader's COPY reads
    # (upper-case hex as the same UUID) or refuses (30 February: the reader then uses NDJSON).
    shaped = [{**canonical, "project_id": ids["project"].upper()}, {**canonical, "occurred_at": "2027-02-30T10:00:00Z"}]
    odd = [  # each must come as its envelope: only the reader's own decoding may judge these
        {**canonical, "occurred_at": "2027-01-04T10:00:00"}, {**canonical, "occurred_at": "2027-01-04 10:00:00Z"},
        {**canonical, "occurred_at": "2027-01-04T10:00:60+09:00"}, {**canonical, "occurred_at": "2027-01-04T24:00:00Z"},
        {**canonical, "occurred_at": "2027-01-04T10:00:00 Asia/Tokyo"}, {**canonical, "duration_s": "45"},
        {**canonical, "duration_s": 45.5}, {**canonical, "duration_s": -1}, {**canonical, "outcome": "hung_up"},
        {**canonical, "variant": "A\nB"}, {**canonical, "variant": 7}, {**canonical, "target_id": 12},
        {**canonical, "previous": dict(canonical)}, {**canonical, "first_call_of_target": None},
        {**canonical, "first_call_of_target": "true"}, {**canonical, "script_version_id": "v1"},
    ]
    async with resources.sessionmaker() as session, session.begin():
        for payload in [canonical, plain, *shaped, *odd]:
            record_event(session, "call.updated" if payload is plain else "call.logged", aggregate_type="call",
                         aggregate_id=payload["id"], tenant=None, payload=payload)
    try:
        ndjson = await api.get("/v1/events", params={"after": start}, headers={**h, "Accept": "application/x-ndjson"})
        response = await api.get("/v1/events", params={"after": start}, headers={**h, "Accept": "text/csv"})
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
        columns = response.headers["x-anken-columns"].split(",")
        assert columns[:3] == ["sequence", "event_id", "type"] and columns[-1] == "envelope"
        assert "\r" not in response.text and len(response.text.splitlines()) == 4 + len(odd)  # one line per row
        rows = [dict(zip(columns, row, strict=True)) for row in csv.reader(io.StringIO(response.text))]
        envelopes = [json.loads(line) for line in ndjson.text.splitlines()]
        assert [int(r["sequence"]) for r in rows] == [e["sequence"] for e in envelopes]
        assert [r["event_id"] for r in rows] == [e["id"] for e in envelopes]
        first, second = rows[0], rows[1]
        assert first["envelope"] == "" and first["type"] == "call.logged"
        assert (first["call_id"], first["project_id"], first["member_id"]) == (ids["call"], ids["project"], ids["member"])
        assert first["occurred_at"] == canonical["occurred_at"] and first["outcome"] == "appointment"
        assert first["variant"] == canonical["variant"][:64] and first["industry"] == canonical["target_industry"][:100]
        assert (first["script_version_id"], first["duration_s"], first["first_call"]) == (ids["version"], "45", "true")
        assert (first["client_id"], first["target_id"]) == (ids["client"], ids["target"])
        assert second["envelope"] == "" and second["type"] == "call.updated"
        assert (second["variant"], second["industry"], second["script_version_id"], second["first_call"]) == \
            ("", "", "", "false")
        assert rows[2]["project_id"] == ids["project"].upper() and rows[3]["occurred_at"] == "2027-02-30T10:00:00Z"
        for row, envelope in zip(rows[4:], envelopes[4:], strict=True):
            assert json.loads(row["envelope"]) == envelope and row["call_id"] == "" and row["outcome"] == ""
    finally:
        async with resources.engine.begin() as conn:
            await conn.execute(sa.text("DELETE FROM projects.outbox_events WHERE id > :s"), {"s": start})
