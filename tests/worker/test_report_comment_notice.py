"""A client's comment on a published weekly report (issue 17): the worker posts it once to the project's Slack
channel in Japanese, the client's text neutralised (`<!channel>` stays text), with a button to the week's web
page — once per comment, even when the event arrives twice or is emitted again under another event id."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from worker_support import kick_off, publish, sandbox_items, wait_until

WEEK = "2026-W47"


async def test_a_client_comment_is_posted_once_to_the_channel_neutralised(
        worker, sandbox, redis_client, db, events, service_env) -> None:
    ns = service_env["REDIS_NAMESPACE"]
    project_id, client_id, _, _ = await kick_off(redis_client, ns, events, "コメント通知テスト")
    comment_id = uuid.uuid4()
    web_url = f"http://web.example/projects/{project_id}/reports?week={WEEK}&version=2"
    payload = {
        "id": comment_id, "project_id": project_id, "client_id": client_id, "iso_week": WEEK, "version": 2,
        "author_name": "佐々木 <b>一郎</b>", "author_role": "client",
        "body": "決裁者アポの比率を確認したいです <!channel> <https://evil.example|ここ>",
        "created_at": datetime(2026, 11, 28, 1, 15, tzinfo=UTC), "web_url": web_url,
    }
    commented = events.envelope("weekly_report.commented", "weekly_report_comment", comment_id, payload,
                                tenant=client_id)
    again = events.envelope("weekly_report.commented", "weekly_report_comment", comment_id, payload,
                            tenant=client_id)  # the same comment under another event id
    await publish(redis_client, ns, commented, commented, again)

    async def delivered():
        return await db.fetchval(
            "SELECT count(*) FROM integrations.deliveries WHERE project_id = $1 AND status = 'succeeded' "
            "AND idempotency_key LIKE 'comment:%'", project_id) == 1 or None

    await wait_until(delivered, within_s=90, what="comment notice delivered")

    async def settled():
        return await db.fetchval(
            "SELECT count(*) FROM integrations.deliveries WHERE project_id = $1 AND status IN ('pending','retrying')",
            project_id) == 0 or None

    await wait_until(settled, within_s=30, what="deliveries settled")
    assert await db.fetchval("SELECT count(*) FROM integrations.deliveries WHERE idempotency_key LIKE $1",
                             f"comment:{comment_id}:%") == 1
    channel = await db.fetchval("SELECT slack_channel_id FROM integrations.project_links WHERE project_id = $1",
                                project_id)
    posted = [m for m in await sandbox_items(sandbox.url, "slack/messages", channel=channel)
              if m["text"].startswith("💬")]
    assert len(posted) == 1, posted
    text = posted[0]["text"]
    assert text.startswith(f"💬 クライアントからのコメント — コメント通知テスト {WEEK}: 佐々木 &lt;b&gt;一郎&lt;/b&gt;「")
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text
    assert "&lt;https://evil.example|ここ&gt;" in text and "<https://evil" not in text
    assert text.endswith(f"— {web_url}")
    blocks = posted[0].get("blocks") or []
    assert blocks, posted[0]
    rendered = repr(blocks)
    assert "<!channel>" not in rendered and "&lt;!channel&gt;" in rendered
    buttons = [e for b in blocks if b.get("type") == "actions" for e in b["elements"]]
    assert [(b["text"]["text"], b["url"]) for b in buttons] == [("週次レポートを開く", web_url)]
    assert "2026/11/28 10:15" in rendered  # the comment's time in the project's zone (Asia/Tokyo)
