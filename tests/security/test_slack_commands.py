"""`/anken` answers only about the project linked to the channel it was typed in, with real numbers
from reporting-api, and nothing is answered without a signing secret outside the sandbox.

Before: `status <name>` found any client's project by name for anyone able to sign a request, and
the three commands asked reporting-api for KPIs with `as_of` alone (a 422), so `status` said nothing.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import asyncpg
import httpx
from asgi_lifespan import LifespanManager
from reporting_kpis.builders import ProjectWorld
from reporting_kpis.feeding import feed
from reporting_pipeline.conftest import reporting_settings

from anken_common.settings import Environment
from anken_reporting.main import create_app as create_reporting_app
from anken_worker.settings import SANDBOX_SIGNING_SECRET, WorkerSettings

from .outbound_support import slack_signed, worker_api, worker_settings

SIGNING_SECRET = "slack-commands-test-secret"


async def _link(conn: asyncpg.Connection, world: ProjectWorld, channel: str) -> None:
    await conn.execute(
        "INSERT INTO integrations.project_links (project_id, client_id, client_name, name, director_id, status,"
        " timezone, monthly_appointment_target, snapshot, slack_channel_id, slack_channel_name, confluence_pages,"
        " created_at, updated_at) VALUES ($1, $2, 'クライアント', $3, $4, 'active', 'Asia/Tokyo', $5, '{}', $6, $6,"
        " '{}', now(), now())",
        world.project_id, world.client_id, world.name, world.director_id, world.target, channel)


async def test_commands_answer_only_for_the_channels_project_with_real_numbers(service_env) -> None:
    a = ProjectWorld(target=10, name=f"A社 インサイドセールス {uuid.uuid4().hex[:6]}")
    b = ProjectWorld(target=10, name=f"B社 極秘案件 {uuid.uuid4().hex[:6]}")
    today = datetime.now(ZoneInfo("Asia/Tokyo"))
    a_calls = [a.call(today, "appointment"), a.call(today, "connected_rejected"), a.call(today, "no_answer")]
    b_calls = [b.call(today, "appointment", member=1) for _ in range(4)] + [b.call(today, "no_answer")]
    channel_a, channel_b = f"CA{uuid.uuid4().hex[:8]}", f"CB{uuid.uuid4().hex[:8]}"
    slack_user = f"U{uuid.uuid4().hex[:8]}"

    reporting = create_reporting_app(reporting_settings(service_env))
    async with LifespanManager(reporting):
        await feed(reporting.state.resources, *a.setup(), *b.setup(), *a_calls, *b_calls)
        conn = await asyncpg.connect(service_env["DATABASE_URL"])
        try:
            await _link(conn, a, channel_a)
            await _link(conn, b, channel_b)
            await conn.execute("INSERT INTO integrations.people (user_id, email, name, role, slack_user_id, updated_at)"
                               " VALUES ($1, $2, 'メンバー1', 'member', $3, now())",
                               a.members[0], f"m-{uuid.uuid4().hex[:6]}@example.jp", slack_user)
        finally:
            await conn.close()
        async with worker_api(worker_settings(service_env, slack_signing_secret=SIGNING_SECRET)) as api:
            ctx = api.app.state.resources.ctx  # type: ignore[attr-defined]
            await ctx.reporting.aclose()
            ctx.reporting = httpx.AsyncClient(transport=httpx.ASGITransport(app=reporting),
                                              base_url="http://reporting.test")

            async def command(text: str, channel: str) -> str:
                body = urlencode({"command": "/anken", "text": text, "channel_id": channel, "user_id": slack_user})
                answered = await api.post("/slack/commands", content=body, headers=slack_signed(body, SIGNING_SECRET))
                assert answered.status_code == 200, answered.text
                return answered.json()["text"]

            # From A's channel, naming B's project: A's numbers, nothing of B.
            status = await command(f"status {b.name}", channel_a)
            assert a.name in status and b.name not in status and "B社" not in status
            assert "アポ 1件" in status and "進捗率 10.0%" in status and "取得できません" not in status
            assert "アポ 4件" in await command("status", channel_b)

            day = await command("today", channel_a)
            assert "架電 3" in day and "コンタクト 2" in day and "アポ 1" in day and "取得できません" not in day
            pace = await command("pace", channel_a)
            assert "あなたの今月: 架電 3 / アポ 1" in pace, pace

            # A channel linked to no project answers about none, whatever name is given.
            unknown = await command(f"status {a.name}", "C-nowhere")
            assert a.name not in unknown and "紐づく案件がありません" in unknown
            await ctx.reporting.aclose()


async def test_no_built_in_signing_secret_outside_the_sandbox(service_env) -> None:
    body = urlencode({"command": "/anken", "text": "status", "channel_id": "C1", "user_id": "U1"})
    signed_with_sandbox_secret = slack_signed(body, SANDBOX_SIGNING_SECRET)
    async with worker_api(worker_settings(service_env, anken_sandbox=False, slack_signing_secret="")) as api:
        refused = await api.post("/slack/commands", content=body, headers=signed_with_sandbox_secret)
        assert refused.status_code == 503 and "SLACK_SIGNING_SECRET" in refused.json()["detail"]
        assert refused.headers["content-type"].startswith("application/problem+json")
        buttons = await api.post("/slack/interactions", content=body, headers=signed_with_sandbox_secret)
        assert buttons.status_code == 503
    # Nor in production, even with sandbox mode on.
    production = WorkerSettings.model_construct(anken_env=Environment.production, anken_sandbox=True,
                                                slack_signing_secret="")
    assert production.inbound_signing_secret is None
    # In the sandbox (development and tests) the sandbox's secret stands in.
    async with worker_api(worker_settings(service_env, anken_sandbox=True, slack_signing_secret="")) as api:
        assert (await api.post("/slack/commands", content=body,
                               headers=signed_with_sandbox_secret)).status_code == 200
