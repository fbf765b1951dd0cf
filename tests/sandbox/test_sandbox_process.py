"""The sandbox as a real process (`anken-sandbox serve --port N`), over real TCP."""

from __future__ import annotations

import httpx
import pytest

BOT = {"Authorization": "Bearer xoxb-process-test"}


@pytest.fixture(scope="module")
def sandbox_url(stack) -> str:
    stack.start("sandbox")
    url = stack.url("sandbox")
    httpx.post(f"{url}/_sandbox/reset", timeout=5).raise_for_status()
    return url


def test_health_metrics_and_openapi(sandbox_url: str) -> None:
    assert httpx.get(f"{sandbox_url}/healthz", timeout=5).json() == {"status": "ok"}
    assert httpx.get(f"{sandbox_url}/readyz", timeout=5).status_code == 200
    httpx.post(f"{sandbox_url}/slack/api/auth.test", headers=BOT, timeout=5)
    assert "anken_http_requests_total" in httpx.get(f"{sandbox_url}/metrics", timeout=5).text
    paths = httpx.get(f"{sandbox_url}/openapi.json", timeout=5).json()["paths"]
    assert "/slack/api/{method}" in paths and "/_sandbox/faults" in paths


def test_dropped_connection_gets_no_response(sandbox_url: str) -> None:
    httpx.post(f"{sandbox_url}/_sandbox/faults", json={"service": "slack", "kind": "drop", "count": 1},
               timeout=5).raise_for_status()
    with httpx.Client(timeout=5) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.post(f"{sandbox_url}/slack/api/auth.test", headers=BOT)
        # The next request is served normally (on a fresh connection).
        assert client.post(f"{sandbox_url}/slack/api/auth.test", headers=BOT).json()["ok"] is True
    log = httpx.get(f"{sandbox_url}/_sandbox/requests", params={"service": "slack"}, timeout=5).json()["items"]
    assert [e["outcome"] for e in log][-2:] == ["dropped", "handled"] and log[-2]["status"] is None


def test_slow_fault_makes_a_client_time_out(sandbox_url: str) -> None:
    httpx.post(f"{sandbox_url}/_sandbox/faults", json={"service": "sheets", "kind": "slow", "delay_s": 1.5},
               timeout=5).raise_for_status()
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(f"{sandbox_url}/sheets/v4/spreadsheets/x", timeout=0.5)


def test_messages_posted_through_500s_and_429s_land_once_each(sandbox_url: str) -> None:
    """A client that retries on 429/5xx gets every message in exactly once, in order."""
    with httpx.Client(base_url=sandbox_url, timeout=5, headers=BOT) as client:
        client.put("/_sandbox/config", json={"slack_channel_burst": 1000, "slack_tier_scale": 100}).raise_for_status()
        channel = client.post("/slack/api/conversations.create", data={"name": "process-burst"}).json()["channel"]["id"]
        client.post("/_sandbox/faults", json={"service": "slack", "kind": "status", "status": 500, "count": 5,
                                              "path": "chat.postMessage"}).raise_for_status()
        client.post("/_sandbox/faults", json={"service": "slack", "kind": "status", "status": 429, "count": 5,
                                              "retry_after": 0, "path": "chat.postMessage"}).raise_for_status()
        attempts = 0
        for i in range(20):
            while True:
                attempts += 1
                answer = client.post("/slack/api/chat.postMessage", json={"channel": channel, "text": f"appointment {i}"})
                if answer.status_code == 200:
                    assert answer.json()["ok"] is True
                    break
                assert answer.status_code in (429, 500)
        texts = [m["text"] for m in client.get("/_sandbox/slack/messages", params={"channel": channel}).json()["items"]]
        assert texts == [f"appointment {i}" for i in range(20)]
        assert attempts == 30
