"""Kickoffs that meet a taken channel name or a deleted Confluence parent page end in a clear
delivery status, not a crash loop."""

from __future__ import annotations

import uuid

import httpx
from worker_support import admin_headers, publish, sandbox_items, wait_until

SANDBOX_TOKEN = {"Authorization": "Bearer xoxb-sandbox-token"}


async def test_taken_channel_name_gets_a_suffix(worker, sandbox, redis_client, db, events, service_env) -> None:
    ns = service_env["REDIS_NAMESPACE"]
    project_id, client_id = uuid.uuid4(), uuid.uuid4()
    async with httpx.AsyncClient(base_url=sandbox.url) as sb:
        taken = await sb.post("/slack/api/conversations.create", json={"name": "anken-taken-name"}, headers=SANDBOX_TOKEN)
        assert taken.json()["ok"]
    director_id, director = events.user("director")
    await publish(redis_client, ns, director,
                  events.project(project_id, client_id, director_id, "kickoff", "Taken Name", previous="draft"))

    async def created():
        row = await db.fetchrow("SELECT * FROM integrations.deliveries WHERE project_id=$1 AND "
                                "action='slack.create_channel'", project_id)
        return row and row["status"] == "succeeded" and row

    row = await wait_until(created, within_s=30, what="channel created")
    assert row["target"] == "anken-taken-name-2"
    names = [c["name"] for c in await sandbox_items(sandbox.url, "slack/channels") if c["name"].startswith("anken-taken")]
    assert sorted(names) == ["anken-taken-name", "anken-taken-name-2"]


async def test_deleted_confluence_parent_dead_letters_and_marks_unhealthy(worker, sandbox, redis_client, db, events,
                                                                         service_env) -> None:
    ns = service_env["REDIS_NAMESPACE"]
    client_id, project_id = uuid.uuid4(), uuid.uuid4()
    auth = {"Authorization": "Basic " + __import__("base64").b64encode(b"a@b.jp:t").decode()}
    async with httpx.AsyncClient(base_url=sandbox.url) as sb, httpx.AsyncClient(
            base_url=worker.url, headers=admin_headers(service_env)) as api:
        parent = (await sb.post("/confluence/wiki/api/v2/pages", headers=auth, json={
            "spaceId": "1", "status": "current", "title": f"顧客フォルダ {client_id}",
            "body": {"representation": "storage", "value": "<p>x</p>"}})).json()
        assert (await sb.delete(f"/confluence/wiki/api/v2/pages/{parent['id']}", headers=auth)).status_code == 204
        saved = await api.put("/v1/integration-settings", json={
            "client_id": str(client_id), "integration": "confluence", "secret": "confluence-api-token",
            "config": {"api_url": f"{sandbox.url}/confluence/wiki/api/v2/", "email": "bot@anken.jp",
                       "space_id": "1", "parent_page_id": parent["id"]}})
        assert saved.status_code == 200, saved.text
    director_id, director = events.user("director")
    await publish(redis_client, ns, director,
                  events.project(project_id, client_id, director_id, "kickoff", "親ページ削除", previous="draft"))

    async def settled():
        rows = await db.fetch("SELECT * FROM integrations.deliveries WHERE project_id=$1 AND integration='confluence'",
                              project_id)
        return len(rows) == 4 and all(r["status"] == "dead" for r in rows) and rows

    rows = await wait_until(settled, within_s=30, what="confluence deliveries dead")
    overview = next(r for r in rows if r["idempotency_key"].endswith("confluence.overview"))
    assert overview["attempts"] == 1 and "no longer exists" in overview["last_error"]
    assert all(r["attempts"] == 1 for r in rows)

    async def unhealthy():
        return await db.fetchrow("SELECT * FROM integrations.integration_health WHERE integration='confluence' "
                                 "AND scope=$1 AND NOT healthy", f"project:{project_id}")

    assert await wait_until(unhealthy, within_s=10, what="confluence marked unhealthy")

    # The director points the client at a live parent page and redrives: the tree is built, in
    # order, and Confluence is healthy again.
    async with httpx.AsyncClient(base_url=sandbox.url) as sb, httpx.AsyncClient(
            base_url=worker.url, headers=admin_headers(service_env)) as api:
        live = (await sb.post("/confluence/wiki/api/v2/pages", headers=auth, json={
            "spaceId": "1", "status": "current", "title": f"新しい顧客フォルダ {client_id}",
            "body": {"representation": "storage", "value": "<p>x</p>"}})).json()
        (await api.put("/v1/integration-settings", json={
            "client_id": str(client_id), "integration": "confluence",
            "config": {"api_url": f"{sandbox.url}/confluence/wiki/api/v2/", "email": "bot@anken.jp",
                       "space_id": "1", "parent_page_id": live["id"]}})).raise_for_status()
        redriven = await api.post("/v1/deliveries/retry-dead",
                                  params={"integration": "confluence", "project_id": str(project_id)})
        assert redriven.json() == {"requeued": 4}

    async def rebuilt():
        rows = await db.fetch("SELECT status FROM integrations.deliveries WHERE project_id=$1 AND "
                              "integration='confluence'", project_id)
        return all(r["status"] == "succeeded" for r in rows)

    await wait_until(rebuilt, within_s=30, what="page tree rebuilt after the redrive")
    pages = [p for p in await sandbox_items(sandbox.url, "confluence/pages") if p["title"].startswith("親ページ削除")]
    root = next(p for p in pages if p["title"].endswith("案件概要"))
    assert root["parent_id"] == live["id"] and len(pages) == 4

    async def healthy_again():
        return await db.fetchval("SELECT healthy FROM integrations.integration_health WHERE integration='confluence' "
                                 "AND scope=$1", f"project:{project_id}")

    assert await wait_until(healthy_again, within_s=10, what="confluence healthy again")
