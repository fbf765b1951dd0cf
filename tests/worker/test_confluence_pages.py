"""Confluence: a new script version updates the talk-script page (storage format, next version
number), never a second page; on 409 the version is re-read and the update retried."""

from __future__ import annotations

import uuid

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from worker_support import deliveries_of, kick_off, open_deliveries, publish, sandbox_items, wait_until

from anken_worker.adapters.confluence.client import ConfluenceClient


async def test_script_version_updates_the_talk_script_page_in_place(worker, sandbox, redis_client, db, events,
                                                                    service_env) -> None:
    ns = service_env["REDIS_NAMESPACE"]
    project_id, _, _, _ = await kick_off(redis_client, ns, events, "スクリプト更新")

    async def kicked_off():
        return len(await deliveries_of(db, project_id)) == 9 and await open_deliveries(db, project_id) == 0

    await wait_until(kicked_off, within_s=60, what="kickoff done")
    script_id = uuid.uuid4()
    for version, body in ((1, "お世話になっております。\n本日はクラウド会計のご案内です。"), (2, "改訂版トーク\n決裁者の確認")):
        await publish(redis_client, ns, events.envelope("script.version_created", "script", script_id, {
            "id": uuid.uuid4(), "project_id": project_id, "script_id": script_id, "pattern": "A", "variant": "A",
            "version": version, "title": "受付突破パターン", "body": body}))

    async def updated():
        rows = [r for r in await deliveries_of(db, project_id) if r["idempotency_key"].endswith("talk_scripts")]
        return len(rows) == 3 and all(r["status"] == "succeeded" for r in rows) and rows

    await wait_until(updated, within_s=30, what="talk script page updated twice")
    pages = [p for p in await sandbox_items(sandbox.url, "confluence/pages") if p["title"] == "スクリプト更新 トークスクリプト"]
    assert len(pages) == 1
    assert pages[0]["version"] == 3 and "改訂版トーク" in pages[0]["body"] and "(v2)" in pages[0]["body"]


async def test_update_rereads_the_version_after_a_409() -> None:
    """Against a minimal Confluence stand-in whose page is edited by someone else mid-update."""
    page = {"id": "10", "status": "current", "title": "T", "version": {"number": 4}, "body": ""}
    puts: list[int] = []
    app = FastAPI()

    @app.get("/wiki/api/v2/pages/10")
    async def get_page() -> dict:
        return page

    @app.put("/wiki/api/v2/pages/10")
    async def put_page(request: Request):
        body = await request.json()
        puts.append(body["version"]["number"])
        if len(puts) == 1:
            page["version"]["number"] = 5  # a person saved the page in between
        if body["version"]["number"] != page["version"]["number"] + 1:
            return JSONResponse({"errors": [{"status": 409, "title": "Version conflict"}]}, status_code=409)
        page["version"]["number"] = body["version"]["number"]
        page["body"] = body["body"]["value"]
        return page

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://confluence") as http:
        client = ConfluenceClient(http, "http://confluence/wiki/api/v2/", "a@b.jp", "token", "1")
        result = await client.update_page("10", "T", "<p>新しい本文</p>")
    assert puts == [5, 6]
    assert result["version"]["number"] == 6 and page["body"] == "<p>新しい本文</p>"
