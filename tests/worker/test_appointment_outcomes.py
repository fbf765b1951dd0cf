"""Appointment outcomes (issue 17): a no-show and a not-qualified result are posted once to the project's
Slack channel in Japanese (user text neutralised), and a partner subscribed to `appointment.no_show` receives
it once, signed, even when the stream delivers the event twice."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from worker_support import admin_headers, kick_off, publish, sandbox_items, wait_until


def _change(events, type_: str, project_id, client_id, member_id, company: str, **changes):
    aid = uuid.uuid4()
    now = datetime.now(UTC)
    return events.envelope(type_, "appointment", aid, {
        "id": aid, "project_id": project_id, "client_id": client_id, "member_id": member_id,
        "member_name": "メンバー0", "target_id": uuid.uuid4(), "company_name": company, "contact_name": "佐藤",
        "meeting_at": datetime(2026, 11, 20, 5, 30, tzinfo=UTC), "set_at": now - timedelta(days=5),
        "previous_handoff_status": "set", **changes,
    }, tenant=client_id)


async def test_no_show_and_unqualified_reach_the_channel_and_the_subscribed_webhook_once(
        worker, sandbox, redis_client, db, events, service_env) -> None:
    ns = service_env["REDIS_NAMESPACE"]
    project_id, client_id, members, _ = await kick_off(redis_client, ns, events, "成果テスト")
    async with httpx.AsyncClient(base_url=sandbox.url) as sb, \
            httpx.AsyncClient(base_url=worker.url, headers=admin_headers(service_env)) as api:
        receiver = (await sb.post("/_sandbox/webhooks/endpoints", json={})).raise_for_status().json()
        created = await api.post("/v1/webhook-endpoints", json={
            "client_id": str(client_id), "url": receiver["url"], "events": ["appointment.no_show"]})
        assert created.status_code == 201, created.text
        (await sb.put(f"/_sandbox/webhooks/endpoints/{receiver['id']}/secret",
                      json={"secret": created.json()["secret"]})).raise_for_status()

        no_show = _change(events, "appointment.no_show", project_id, client_id, members[0], "株式会社ノーショー",
                          handoff_status="no_show")
        unqualified = _change(events, "appointment.unqualified", project_id, client_id, members[0],
                              "株式会社タイショウガイ", handoff_status="held", partner_outcome="unqualified",
                              unqualified_reason="予算なし <!channel>")
        held = _change(events, "appointment.held", project_id, client_id, members[0], "株式会社ジッシ",
                       handoff_status="held")
        await publish(redis_client, ns, no_show, no_show, unqualified, unqualified, held)

        async def notices():
            return await db.fetchval(
                "SELECT count(*) FROM integrations.deliveries WHERE project_id = $1 AND status = 'succeeded' "
                "AND idempotency_key LIKE '%_notice'", project_id) == 2 or None

        await wait_until(notices, within_s=90, what="outcome notices delivered")

        async def received():
            return [r for r in (await sb.get("/_sandbox/webhooks/received")).json()["items"]
                    if r["endpoint_id"] == receiver["id"]]

        got = await wait_until(received, within_s=30, what="webhook received")
        # The held appointment is not subscribed; wait for its plans to be settled before counting.
        await wait_until(lambda: _settled(db, project_id), within_s=30, what="deliveries settled")
        got = await received()
        assert [(r["type"], r["verified"]) for r in got] == [("appointment.no_show", True)]
        assert got[0]["payload"]["data"]["company_name"] == "株式会社ノーショー"

    channel = await db.fetchval("SELECT slack_channel_id FROM integrations.project_links WHERE project_id = $1",
                                project_id)
    texts = [m["text"] for m in await sandbox_items(sandbox.url, "slack/messages", channel=channel)]
    no_shows = [t for t in texts if "ノーショー" in t and "商談不在" in t]
    assert no_shows == ["⚠️ 商談不在 (ノーショー): 株式会社ノーショー / 商談日時 2026/11/20 14:30 / 担当 メンバー0"]
    rejected = [t for t in texts if t.startswith("⚠️ 対象外判定")]
    assert len(rejected) == 1
    assert "株式会社タイショウガイ" in rejected[0] and "メンバー0" in rejected[0]
    assert "予算なし &lt;!channel&gt;" in rejected[0] and "<!channel>" not in rejected[0]
    assert not [t for t in texts if "株式会社ジッシ" in t]  # a held appointment is no notice


async def _settled(db, project_id) -> bool:
    return await db.fetchval(
        "SELECT count(*) FROM integrations.deliveries WHERE project_id = $1 AND status IN ('pending','retrying')",
        project_id) == 0
