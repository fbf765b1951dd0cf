"""Faults that no retry fixes: an archived channel dead-letters at once, marks Slack unhealthy and
tells the director once; malformed events are dead-lettered with the reason; unknown types counted;
a post made just before a crash is found again instead of posted twice."""

from __future__ import annotations

import json
import uuid

import httpx
from worker_support import admin_headers, deliveries_of, kick_off, open_deliveries, publish, sandbox_items, wait_until


async def _kicked_off(redis_client, db, events, ns, name):
    project_id, client_id, members, _ = await kick_off(redis_client, ns, events, name)

    async def done():
        rows = await deliveries_of(db, project_id)
        return len(rows) == 9 and await open_deliveries(db, project_id) == 0

    await wait_until(done, within_s=60, what="kickoff done")
    channel = await db.fetchval("SELECT slack_channel_id FROM integrations.project_links WHERE project_id=$1",
                                project_id)
    return project_id, client_id, members[0], channel


async def test_archived_channel_dead_letters_marks_unhealthy_and_tells_director_once(
        worker, sandbox, redis_client, db, events, service_env) -> None:
    ns = service_env["REDIS_NAMESPACE"]
    project_id, client_id, member_id, channel = await _kicked_off(redis_client, db, events, ns, "archived")
    async with httpx.AsyncClient(base_url=sandbox.url) as sb:
        archived = await sb.post("/slack/api/conversations.archive", json={"channel": channel},
                                 headers={"Authorization": "Bearer xoxb-sandbox-token"})
        assert archived.json()["ok"], archived.text
    await publish(redis_client, ns, *[events.appointment(project_id, client_id, member_id, f"株式会社アーカイブ{i}")
                                      for i in range(3)])

    async def dead():
        rows = await db.fetch("SELECT * FROM integrations.deliveries WHERE project_id=$1 AND "
                              "idempotency_key LIKE '%appointment_report' AND status='dead'", project_id)
        return len(rows) == 3 and rows

    rows = await wait_until(dead, within_s=30, what="reports dead-lettered")
    assert all(r["attempts"] == 1 and "is_archived" in r["last_error"] for r in rows)

    notices = await db.fetch("SELECT * FROM integrations.deliveries WHERE idempotency_key LIKE $1",
                             f"health:slack:project:{project_id}:%")
    assert len(notices) == 1 and notices[0]["action"] == "slack.notify_director"
    assert "Slack 連携が停止しています" in json.loads(notices[0]["payload"])["text"]

    async def director_told():
        status = await db.fetchval("SELECT status FROM integrations.deliveries WHERE id=$1", notices[0]["id"])
        return status == "succeeded"

    await wait_until(director_told, within_s=20, what="the director's DM")

    async with httpx.AsyncClient(base_url=worker.url, headers=admin_headers(service_env)) as api:
        health = (await api.get("/v1/integration-health", params={"only_unhealthy": "true"})).json()["items"]
        mine = [h for h in health if h["scope"] == f"project:{project_id}"]
        assert len(mine) == 1 and mine[0]["integration"] == "slack" and "is_archived" in mine[0]["reason"]
        listed = (await api.get("/v1/deliveries", params={"integration": "slack", "status": "dead",
                                                          "project_id": str(project_id), "limit": 2})).json()
        assert len(listed["items"]) == 2 and listed["next_cursor"]
        rest = (await api.get("/v1/deliveries", params={"integration": "slack", "status": "dead",
                                                        "project_id": str(project_id),
                                                        "cursor": listed["next_cursor"]})).json()
        keys = [d["idempotency_key"] for d in listed["items"] + rest["items"]]
        assert len(keys) == len(set(keys)) and sum("appointment_report" in k for k in keys) == 3
        bad = await api.get("/v1/deliveries", params={"status": "lost"})
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "status"
        assert (await api.get("/v1/deliveries", headers={"Authorization": "Bearer nope"})).status_code == 401


async def test_malformed_event_dead_lettered_and_unknown_type_counted(worker, redis_client, db, events,
                                                                     service_env) -> None:
    ns = service_env["REDIS_NAMESPACE"]
    broken = events.envelope("appointment.set", "appointment", uuid.uuid4(), {"id": str(uuid.uuid4())})
    unknown = events.envelope("invoice.sent", "invoice", uuid.uuid4(), {"id": "x"})
    await publish(redis_client, ns, broken, unknown)

    async def recorded():
        row = await db.fetchrow("SELECT * FROM integrations.deliveries WHERE idempotency_key=$1",
                                f"evt:{broken.id}:malformed")
        count = await db.fetchval("SELECT count FROM integrations.unknown_events WHERE event_type='invoice.sent'")
        return row and count and (row, count)

    row, count = await wait_until(recorded, within_s=20, what="malformed and unknown events recorded")
    assert row["status"] == "dead" and "company_name" in row["last_error"] and count == 1
    async with httpx.AsyncClient() as client:
        metrics = (await client.get(f"{worker.url}/metrics")).text
    assert 'anken_worker_unknown_events_total{type="invoice.sent"} 1.0' in metrics


async def test_post_made_before_a_crash_is_found_not_repeated(worker, sandbox, redis_client, db, events,
                                                             service_env) -> None:
    ns = service_env["REDIS_NAMESPACE"]
    project_id, client_id, _, channel = await _kicked_off(redis_client, db, events, ns, "crash window")
    key = f"evt:{uuid.uuid4()}:slack.appointment_report"
    async with httpx.AsyncClient(base_url=sandbox.url) as sb:
        posted = await sb.post("/slack/api/chat.postMessage", headers={"Authorization": "Bearer xoxb-sandbox-token"},
                               json={"channel": channel, "text": "株式会社クラッシュ直前",
                                     "metadata": {"event_type": "anken_delivery", "event_payload": {"delivery_key": key}}})
        assert posted.json()["ok"]
    # The delivery as a killed worker left it: attempt 1 started, never recorded as done.
    payload = {"text": "株式会社クラッシュ直前", "blocks": None}
    await db.execute(
        "INSERT INTO integrations.deliveries (id, idempotency_key, integration, action, order_key, project_id, "
        "client_id, payload, payload_hash, status, attempts, next_attempt_at, created_at) VALUES ($1,$2,'slack',"
        "'slack.post',$3,$4,$5,$6,'x','pending',1, now() - interval '10 seconds', now() - interval '10 seconds')",
        uuid.uuid4(), key, f"slack:{project_id}", project_id, client_id, json.dumps(payload))

    async def finished():
        row = await db.fetchrow("SELECT * FROM integrations.deliveries WHERE idempotency_key=$1", key)
        return row["status"] == "succeeded" and row

    row = await wait_until(finished, within_s=30, what="swept delivery finished")
    assert row["response_excerpt"] == "found earlier post" and row["external_ref"] == posted.json()["ts"]
    messages = [m for m in await sandbox_items(sandbox.url, "slack/messages", channel=channel)
                if (m.get("metadata") or {}).get("event_payload", {}).get("delivery_key") == key]
    assert len(messages) == 1
