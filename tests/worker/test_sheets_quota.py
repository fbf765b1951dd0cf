"""Sheets answers 429 RESOURCE_EXHAUSTED with Retry-After when the per-minute quota is spent: the
worker waits as told and the kickoff still completes, each sheet written once."""

from __future__ import annotations

import httpx
from worker_support import deliveries_of, kick_off, open_deliveries, sandbox_items, wait_until


async def _no_open_deliveries(db) -> bool:
    return await db.fetchval(
        "SELECT count(*) FROM integrations.deliveries WHERE status IN ('pending','retrying')") == 0


async def test_a_kickoff_that_meets_the_sheets_quota_waits_and_completes(worker, sandbox, redis_client, db, events,
                                                                       service_env) -> None:
    # Earlier tests' deliveries would take the refusals meant for this kickoff: let them finish first.
    await wait_until(lambda: _no_open_deliveries(db), within_s=120, what="the worker is idle")
    async with httpx.AsyncClient(base_url=sandbox.url) as sb:
        fault = (await sb.post("/_sandbox/faults", json={
            "service": "sheets", "kind": "status", "status": 429, "count": 2, "retry_after": 1,
            "path": "/sheets/"})).raise_for_status().json()
        try:
            project_id, *_ = await kick_off(redis_client, service_env["REDIS_NAMESPACE"], events, "quota kickoff")

            async def kicked_off():
                return len(await deliveries_of(db, project_id)) == 9 and await open_deliveries(db, project_id) == 0

            await wait_until(kicked_off, within_s=90, what="kickoff done despite the quota")
            faults = {f["id"]: f for f in (await sb.get("/_sandbox/faults")).json()["items"]}
            assert faults[fault["id"]]["triggered"] == 2
        finally:
            await sb.delete(f"/_sandbox/faults/{fault['id']}")

    deliveries = await deliveries_of(db, project_id)
    assert {d["status"] for d in deliveries} == {"succeeded"}
    sheets = [d for d in deliveries if d["integration"] == "sheets"]
    assert sheets and sum(d["attempts"] for d in sheets) >= len(sheets) + 2  # both refusals were retried
    link = await db.fetchrow("SELECT spreadsheet_id FROM integrations.project_links WHERE project_id=$1", project_id)
    created = [s for s in await sandbox_items(sandbox.url, "sheets/spreadsheets")
               if s["spreadsheet_id"] == link["spreadsheet_id"]]
    assert len(created) == 1  # a refused create is not a second spreadsheet
