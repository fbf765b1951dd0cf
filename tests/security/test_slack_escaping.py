"""Text members and partners wrote reaches Slack escaped: `<!channel>` cannot ping a whole channel
and `<https://evil.example|click>` cannot disguise a link, in an appointment report's company name,
contact, qualification answers and note (the real worker posting to the sandbox's Slack)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
import redis.asyncio as aioredis
from worker.worker_support import Events, kick_off, publish, sandbox_items, wait_until

from anken_common.event_payloads import AppointmentPayload, DailyReportPayload, PaceAlertPayload
from anken_worker.messaging import appointment_report, daily_report, pace_alert

HOSTILE = "<!channel> <https://evil.example|click>"
ESCAPED = "&lt;!channel&gt; &lt;https://evil.example|click&gt;"


def _texts(message: dict) -> str:
    return json.dumps({"text": message.get("text"), "blocks": message.get("blocks")}, ensure_ascii=False)


@pytest.fixture
async def redis_client(service_env):
    client = aioredis.Redis.from_url(service_env["REDIS_URL"])
    yield client
    await client.aclose()


async def test_a_hostile_note_reaches_slack_escaped(stack, service_env, redis_client) -> None:
    sandbox = stack.start("sandbox")
    stack.start("worker")
    events = Events()
    ns = service_env["REDIS_NAMESPACE"]
    project_id, client_id, members, _ = await kick_off(redis_client, ns, events, f"escape {uuid.uuid4().hex[:6]}")
    db = await asyncpg.connect(service_env["DATABASE_URL"])
    try:
        async def channel():
            return await db.fetchval("SELECT slack_channel_id FROM integrations.project_links WHERE project_id=$1",
                                     project_id)

        channel_id = await wait_until(channel, within_s=60, what="the project's channel")
    finally:
        await db.close()
    now = datetime.now(UTC)
    appointment = uuid.uuid4()
    await publish(redis_client, ns, events.envelope("appointment.set", "appointment", appointment, {
        "id": appointment, "project_id": project_id, "client_id": client_id, "member_id": members[0],
        "member_name": "<!here>", "target_id": uuid.uuid4(), "company_name": f"株式会社{HOSTILE}",
        "contact_name": "<@U0ADMIN>", "contact_title": "部長", "meeting_at": now + timedelta(days=2),
        "qualification": {"budget": HOSTILE}, "note": HOSTILE, "set_at": now,
    }, tenant=client_id))

    async def posted():
        found = [m for m in await sandbox_items(sandbox.url, "slack/messages", channel=channel_id)
                 if "アポ獲得" in (m.get("text") or "")]
        return found and found[0]

    message = _texts(await wait_until(posted, within_s=60, what="the appointment report in Slack"))
    for raw in ("<!channel>", "<!here>", "<https://evil.example|click>", "<@U0ADMIN>"):
        assert raw not in message, raw
    assert ESCAPED in message


def test_every_user_typed_field_is_escaped_in_the_builders() -> None:
    now = datetime.now(UTC)
    a = AppointmentPayload(id=uuid.uuid4(), project_id=uuid.uuid4(), client_id=uuid.uuid4(), member_id=uuid.uuid4(),
                           member_name=HOSTILE, target_id=uuid.uuid4(), company_name=HOSTILE, contact_name=HOSTILE,
                           contact_title=HOSTILE, meeting_at=now, qualification={HOSTILE: HOSTILE}, note=HOSTILE,
                           set_at=now)
    built = [appointment_report(a, "Asia/Tokyo")]
    d = DailyReportPayload.model_validate({
        "id": str(uuid.uuid4()), "project_id": str(uuid.uuid4()), "member_id": str(uuid.uuid4()),
        "day": now.date().isoformat(), "hours": 6, "summary": HOSTILE, "good_reactions": HOSTILE,
        "objections": HOSTILE, "next_actions": HOSTILE, "version": 1})
    built.append(daily_report(d, HOSTILE, HOSTILE))
    p = PaceAlertPayload.model_validate({"id": str(uuid.uuid4()), "project_id": str(uuid.uuid4()),
                                         "rule": "member_under_pace", "message": HOSTILE,
                                         "raised_at": now.isoformat()})
    built.append(pace_alert(p, HOSTILE, HOSTILE, "alert-1"))
    for text, blocks in built:
        rendered = json.dumps({"text": text, "blocks": blocks}, ensure_ascii=False)
        assert "<!channel>" not in rendered and "<https://evil.example" not in rendered, rendered
