"""Inbound Slack requests are verified: v0 HMAC-SHA256 over the raw body, five-minute window."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

import httpx
import pytest
from asgi_lifespan import LifespanManager

from anken_worker.main import create_app
from anken_worker.settings import WorkerSettings
from anken_worker.slack_inbound.signature import sign

SECRET = "inbound-signing-secret"


@pytest.fixture
async def api(service_env):
    env = {k.lower(): v for k, v in service_env.items() if k.isupper()}
    settings = WorkerSettings(**{**env, "slack_signing_secret": SECRET, "reporting_api_url": "http://127.0.0.1:9"})
    app = create_app(settings, background=False)
    async with LifespanManager(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://worker") as client:
            yield client


def signed(body: str, *, secret: str = SECRET, age_s: int = 0) -> dict[str, str]:
    ts = str(int(time.time()) - age_s)
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sign(secret, ts, body.encode()),
            "Content-Type": "application/x-www-form-urlencoded"}


async def test_slash_command_with_valid_signature_answers(api) -> None:
    body = urlencode({"command": "/anken", "text": "help", "channel_id": "C1", "user_id": "U1"})
    response = await api.post("/slack/commands", content=body, headers=signed(body))
    assert response.status_code == 200
    assert "/anken status" in response.json()["text"]
    body = urlencode({"command": "/anken", "text": "today", "channel_id": "C-unknown", "user_id": "U1"})
    response = await api.post("/slack/commands", content=body, headers=signed(body))
    assert "このチャンネルに紐づく案件がありません" in response.json()["text"]


async def test_bad_signature_is_401(api) -> None:
    body = urlencode({"command": "/anken", "text": "today"})
    response = await api.post("/slack/commands", content=body, headers=signed(body, secret="someone-else"))
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    tampered = await api.post("/slack/commands", content=body + "x", headers=signed(body))
    assert tampered.status_code == 401
    missing = await api.post("/slack/commands", content=body)
    assert missing.status_code == 401


async def test_old_timestamp_is_401(api) -> None:
    body = urlencode({"command": "/anken", "text": "today"})
    response = await api.post("/slack/commands", content=body, headers=signed(body, age_s=301))
    assert response.status_code == 401
    assert "five-minute" in response.json()["detail"]


async def test_interaction_verified_and_payload_checked(api) -> None:
    payload = {"type": "block_actions", "user": {"id": "U1"},
               "actions": [{"action_id": "ack_alert", "value": "8d0e5f7a-1111-4222-8333-944455566677"}]}
    body = urlencode({"payload": json.dumps(payload)})
    assert (await api.post("/slack/interactions", content=body, headers=signed(body, age_s=400))).status_code == 401
    response = await api.post("/slack/interactions", content=body, headers=signed(body))
    assert response.status_code == 200
    # No channel the alert was posted for: nothing is acknowledged (tests/security/test_worker_followup_alert_buttons.py).
    assert "このチャンネルの案件のものではありません" in response.json()["text"]
    junk = urlencode({"payload": "not json"})
    assert (await api.post("/slack/interactions", content=junk, headers=signed(junk))).status_code == 422
