"""A pace alert's "確認しました" button acknowledges only an alert of the project linked to the
channel the interaction came from (or one posted into that very channel: the director's DM);
any other alert id gets an ephemeral "not in this channel" answer and nothing is acknowledged.

Before: `/slack/interactions` acknowledged whatever alert id the button carried, from any channel.
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlencode

import httpx

from anken_worker.messaging import ALERT_NOT_HERE

from .outbound_support import slack_signed, worker_api, worker_settings
from .worker_followup_support import link_project, record_alert_delivery

SIGNING_SECRET = "alert-buttons-test-secret"


async def test_alert_buttons_acknowledge_only_the_channels_project_alerts(service_env) -> None:
    db = service_env["DATABASE_URL"]
    client_a, client_b = uuid.uuid4(), uuid.uuid4()
    project_a, project_b = uuid.uuid4(), uuid.uuid4()
    channel_a, channel_b = f"CA{uuid.uuid4().hex[:8]}", f"CB{uuid.uuid4().hex[:8]}"
    dm_a = f"DA{uuid.uuid4().hex[:8]}"
    alert_a, alert_b, unknown = (str(uuid.uuid4()) for _ in range(3))
    await link_project(db, project_a, client_a, uuid.uuid4(), channel_a)
    await link_project(db, project_b, client_b, uuid.uuid4(), channel_b)
    await record_alert_delivery(db, project_a, client_a, alert_a, posted_to=dm_a)
    await record_alert_delivery(db, project_b, client_b, alert_b, posted_to=f"DB{uuid.uuid4().hex[:8]}")

    acknowledged: list[str] = []

    def reporting(request: httpx.Request) -> httpx.Response:
        acknowledged.append(request.url.path.split("/")[3])
        return httpx.Response(200, json={})

    async with worker_api(worker_settings(service_env, slack_signing_secret=SIGNING_SECRET)) as api:
        ctx = api.app.state.resources.ctx  # type: ignore[attr-defined]
        await ctx.reporting.aclose()
        ctx.reporting = httpx.AsyncClient(transport=httpx.MockTransport(reporting), base_url="http://reporting.test")

        async def press(alert_id: str, channel: str | None) -> str:
            payload: dict = {"type": "block_actions", "user": {"id": "U1"},
                             "actions": [{"action_id": "ack_alert", "value": alert_id}]}
            if channel is not None:
                payload["channel"] = {"id": channel}
            body = urlencode({"payload": json.dumps(payload)})
            answered = await api.post("/slack/interactions", content=body, headers=slack_signed(body, SIGNING_SECRET))
            assert answered.status_code == 200, answered.text
            assert answered.json()["response_type"] == "ephemeral"
            return answered.json()["text"]

        # Another project's alert, an unknown id, or no channel at all: nothing is acknowledged.
        assert await press(alert_b, channel_a) == ALERT_NOT_HERE
        assert await press(alert_a, channel_b) == ALERT_NOT_HERE
        assert await press(unknown, channel_a) == ALERT_NOT_HERE
        assert await press(alert_a, None) == ALERT_NOT_HERE
        assert await press(alert_b, dm_a) == ALERT_NOT_HERE
        assert acknowledged == []
        # The project's own channel, and the DM the alert was posted into, acknowledge it.
        assert "確認済み" in await press(alert_a, channel_a)
        assert "確認済み" in await press(alert_a, dm_a)
        assert acknowledged == [alert_a, alert_a]
        await ctx.reporting.aclose()
