"""A member's end-of-day report (daily_report.submitted) is posted once to the project channel."""

from __future__ import annotations

import uuid
from datetime import date

from worker_support import kick_off, publish, sandbox_items, wait_until


async def test_daily_report_is_posted_once_to_the_project_channel(worker, sandbox, redis_client, db, events,
                                                                  service_env) -> None:
    ns = service_env["REDIS_NAMESPACE"]
    project_id, _client_id, members, _ = await kick_off(redis_client, ns, events, "日報テスト")
    report = events.envelope("daily_report.submitted", "project", project_id, {
        "id": uuid.uuid4(), "project_id": project_id, "member_id": members[0], "day": date(2026, 11, 20),
        "hours": 7.5, "summary": "受付突破のトークが効いた", "good_reactions": "勤怠の課題に共感", "objections": "",
        "next_actions": "IT業界リストを優先", "version": 1,
    })
    await publish(redis_client, ns, report, report)  # delivered twice by the stream: must post once

    async def posted():
        return await db.fetchval(
            "SELECT count(*) FROM integrations.deliveries WHERE project_id = $1 AND status = 'succeeded' "
            "AND idempotency_key LIKE '%slack.daily_report'", project_id) == 1

    await wait_until(posted, within_s=90, what="daily report delivered")
    channel = await db.fetchval("SELECT slack_channel_id FROM integrations.project_links WHERE project_id = $1",
                                project_id)
    texts = [m["text"] for m in await sandbox_items(sandbox.url, "slack/messages", channel=channel)]
    daily = [t for t in texts if t.startswith("📝 日報")]
    assert len(daily) == 1
    assert "受付突破のトークが効いた" in daily[0] and "メンバー0" in daily[0] and "2026-11-20" in daily[0]
