"""Integration settings: secrets encrypted at rest and never returned; stored credentials are the
ones used (a revoked token dead-letters and marks Slack unhealthy)."""

from __future__ import annotations

import json
import uuid

import httpx
from worker_support import admin_headers, publish, sandbox_items, wait_until

from anken_common.auth_tokens import issue_user_token


async def test_secrets_are_sealed_never_returned_and_validated(worker, db, service_env) -> None:
    client_id = uuid.uuid4()
    async with httpx.AsyncClient(base_url=worker.url, headers=admin_headers(service_env)) as api:
        saved = await api.put("/v1/integration-settings", json={
            "client_id": str(client_id), "integration": "slack", "secret": "xoxb-0000-secret-token",
            "config": {"guest_emails": ["tanaka@client.example.jp"]}})
        assert saved.status_code == 200, saved.text
        body = saved.json()
        assert body["has_secret"] and "secret" not in body and "xoxb-0000-secret-token" not in saved.text
        stored = await db.fetchval("SELECT secret_encrypted FROM integrations.integration_settings WHERE id=$1",
                                   uuid.UUID(body["id"]))
        assert stored and "xoxb-0000-secret-token" not in stored
        # Saving again without a secret keeps the stored one.
        again = (await api.put("/v1/integration-settings", json={
            "client_id": str(client_id), "integration": "slack", "config": {"channel_prefix": "proj"}})).json()
        assert again["id"] == body["id"] and again["has_secret"] and again["config"] == {"channel_prefix": "proj"}
        listed = await api.get("/v1/integration-settings", params={"client_id": str(client_id)})
        assert "xoxb" not in listed.text and len(listed.json()["items"]) == 1

        leaky = await api.put("/v1/integration-settings", json={
            "client_id": str(client_id), "integration": "confluence", "config": {"api_token": "x"}})
        assert leaky.status_code == 422 and leaky.json()["errors"][0]["field"] == "config.api_token"
        bad_key = await api.put("/v1/integration-settings", json={
            "client_id": str(client_id), "integration": "sheets", "secret": "not a json key"})
        assert bad_key.status_code == 422 and bad_key.json()["errors"][0]["field"] == "secret"
        unknown = await api.put("/v1/integration-settings", json={"client_id": str(client_id), "integration": "ftp"})
        assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "integration"

        member = issue_user_token(service_env["ANKEN_SECRET_KEY"], str(uuid.uuid4()), "member")
        forbidden = await api.get("/v1/integration-settings", headers={"Authorization": f"Bearer {member}"})
        assert forbidden.status_code == 403
        assert (await api.get("/v1/integration-settings", headers={"Authorization": ""})).status_code == 401
        missing = await api.delete(f"/v1/integration-settings/{uuid.uuid4()}")
        assert missing.status_code == 404


async def test_stored_token_is_used_and_a_revoked_one_marks_slack_unhealthy(worker, sandbox, redis_client, db,
                                                                           events, service_env) -> None:
    ns = service_env["REDIS_NAMESPACE"]
    token = f"xoxb-client-{uuid.uuid4().hex[:8]}"
    async with httpx.AsyncClient(base_url=sandbox.url) as sb:
        (await sb.post("/_sandbox/slack/revoked-tokens", json={"token": token})).raise_for_status()
    client_id, second = uuid.uuid4(), uuid.uuid4()
    async with httpx.AsyncClient(base_url=worker.url, headers=admin_headers(service_env)) as api:
        (await api.put("/v1/integration-settings", json={
            "client_id": str(client_id), "integration": "slack", "secret": token,
            "config": {"api_url": f"{sandbox.url}/slack/api/"}})).raise_for_status()
    director_id, director = events.user("director", "鈴木")
    await publish(redis_client, ns, director,
                  events.project(second, client_id, director_id, "kickoff", "revoked two", previous="draft"))

    async def dead():
        row = await db.fetchrow("SELECT * FROM integrations.deliveries WHERE project_id=$1 AND "
                                "action='slack.create_channel'", second)
        return row and row["status"] == "dead" and row

    row = await wait_until(dead, within_s=30, what="create_channel dead with the revoked token")
    assert "token_revoked" in row["last_error"] and row["attempts"] == 1
    async def unhealthy():
        return await db.fetchrow("SELECT * FROM integrations.integration_health WHERE scope=$1", f"project:{second}")

    health = await wait_until(unhealthy, within_s=10, what="health recorded")
    assert health["healthy"] is False and "token_revoked" in health["reason"]
    # The other integrations of the project are not affected.
    others = await db.fetch("SELECT action, status FROM integrations.deliveries WHERE project_id=$1 AND "
                            "integration <> 'slack'", second)

    async def others_done():
        rows = await db.fetch("SELECT status FROM integrations.deliveries WHERE project_id=$1 AND "
                              "integration <> 'slack'", second)
        return len(rows) == 5 and all(r["status"] == "succeeded" for r in rows)

    await wait_until(others_done, within_s=30, what="confluence and sheets unaffected")
    assert json.dumps([dict(r) for r in others], default=str)

    # A new token, then a redrive: the channel is made and the steps skipped for want of it follow.
    async with httpx.AsyncClient(base_url=worker.url, headers=admin_headers(service_env)) as api:
        (await api.put("/v1/integration-settings", json={
            "client_id": str(client_id), "integration": "slack", "secret": f"xoxb-fresh-{uuid.uuid4().hex[:8]}",
            "config": {"api_url": f"{sandbox.url}/slack/api/"}})).raise_for_status()
        redriven = (await api.post("/v1/deliveries/retry-dead",
                                   params={"integration": "slack", "project_id": str(second)})).json()
        assert redriven["requeued"] == 4  # create_channel (dead) + invite, topic, pinned summary (skipped)

    async def slack_done():
        rows = await db.fetch("SELECT status FROM integrations.deliveries WHERE project_id=$1 AND "
                              "integration='slack' AND idempotency_key LIKE 'evt:%'", second)
        return len(rows) == 4 and all(r["status"] == "succeeded" for r in rows)

    await wait_until(slack_done, within_s=30, what="slack kickoff redriven")
    channel_id = await db.fetchval("SELECT slack_channel_id FROM integrations.project_links WHERE project_id=$1", second)
    channel = next(c for c in await sandbox_items(sandbox.url, "slack/channels") if c["id"] == channel_id)
    assert "月間アポ目標" in channel["topic"]
    assert [m["pinned"] for m in await sandbox_items(sandbox.url, "slack/messages", channel=channel_id)] == [True]
