"""Fault injection: counts, order, filters, vendor envelopes, slow answers, and the request log."""

from __future__ import annotations

import time

import httpx
import pytest

from anken_sandbox.gateway import ConnectionDropped

from .conftest import new_channel, slack


async def test_429_for_n_requests_then_normal(sandbox: httpx.AsyncClient) -> None:
    channel = await new_channel(sandbox, "fault-429")
    fault = await sandbox.post("/_sandbox/faults", json={
        "service": "slack", "kind": "status", "status": 429, "count": 2, "retry_after": 3, "path": "chat.postMessage"})
    assert fault.status_code == 201 and fault.json()["remaining"] == 2
    first, second, third = [await slack(sandbox, "chat.postMessage", channel=channel, text=f"m{i}") for i in range(3)]
    assert (first.status_code, second.status_code, third.status_code) == (429, 429, 200)
    assert first.json() == {"ok": False, "error": "ratelimited"} and first.headers["Retry-After"] == "3"
    faults = (await sandbox.get("/_sandbox/faults")).json()["items"]
    assert [(f["triggered"], f["remaining"]) for f in faults] == [(2, 0)]
    assert [m["text"] for m in (await sandbox.get("/_sandbox/slack/messages")).json()["items"]] == ["m2"]


async def test_faults_are_consumed_in_order_and_filtered(sandbox: httpx.AsyncClient) -> None:
    await sandbox.post("/_sandbox/faults", json={"service": "slack", "kind": "status", "status": 500, "count": 1})
    await sandbox.post("/_sandbox/faults", json={"service": "slack", "kind": "status", "status": 503, "count": 1})
    await sandbox.post("/_sandbox/faults", json={"service": "confluence", "kind": "status", "status": 500,
                                                 "method": "PUT"})
    statuses = [(await slack(sandbox, "auth.test")).status_code for _ in range(3)]
    assert statuses == [500, 503, 200]
    # The Confluence fault only applies to PUT, so a GET passes (and is 401 for lack of credentials).
    assert (await sandbox.get("/confluence/wiki/api/v2/spaces")).status_code == 401
    remaining = [f["remaining"] for f in (await sandbox.get("/_sandbox/faults")).json()["items"]]
    assert remaining == [0, 0, 1]
    assert (await sandbox.delete("/_sandbox/faults")).json() == {"removed": 3}


async def test_each_service_answers_faults_in_its_own_envelope(sandbox: httpx.AsyncClient) -> None:
    for service in ("confluence", "sheets", "oauth"):
        await sandbox.post("/_sandbox/faults", json={"service": service, "kind": "status", "status": 429})
    confluence = await sandbox.get("/confluence/wiki/api/v2/spaces")
    assert confluence.status_code == 429 and confluence.json()["errors"][0]["status"] == 429
    sheets = await sandbox.get("/sheets/v4/spreadsheets/x")
    assert sheets.status_code == 429 and sheets.json()["error"]["status"] == "RESOURCE_EXHAUSTED"
    assert sheets.headers["Retry-After"] == "1"
    oauth = await sandbox.post("/oauth2/token", data={"grant_type": "x"})
    assert oauth.status_code == 429 and oauth.json()["error"] == "rate_limit_exceeded"


async def test_slow_fault_delays_then_answers(sandbox: httpx.AsyncClient) -> None:
    await sandbox.post("/_sandbox/faults", json={"service": "slack", "kind": "slow", "delay_s": 0.3})
    started = time.perf_counter()
    response = await slack(sandbox, "auth.test")
    assert response.json()["ok"] is True and time.perf_counter() - started >= 0.3


async def test_drop_fault_in_process_raises_instead_of_answering(sandbox: httpx.AsyncClient) -> None:
    await sandbox.post("/_sandbox/faults", json={"service": "webhooks", "kind": "drop"})
    with pytest.raises(ConnectionDropped):
        await sandbox.post("/webhooks/ep_x", content=b"{}")


async def test_fault_validation_names_the_field(sandbox: httpx.AsyncClient) -> None:
    missing_status = await sandbox.post("/_sandbox/faults", json={"service": "slack", "kind": "status"})
    assert missing_status.status_code == 422 and "status" in missing_status.json()["detail"] + str(
        missing_status.json()["errors"])
    bad_service = await sandbox.post("/_sandbox/faults", json={"service": "teams", "kind": "drop"})
    assert bad_service.status_code == 422 and bad_service.json()["errors"][0]["field"] == "service"
    assert (await sandbox.delete("/_sandbox/faults/fault_999")).status_code == 404


async def test_request_log_records_status_and_fault(sandbox: httpx.AsyncClient) -> None:
    await sandbox.post("/_sandbox/faults", json={"service": "slack", "kind": "status", "status": 500})
    await slack(sandbox, "auth.test")
    await slack(sandbox, "auth.test")
    log = (await sandbox.get("/_sandbox/requests", params={"service": "slack"})).json()["items"]
    assert [(e["status"], e["outcome"]) for e in log] == [(500, "fault"), (200, "handled")]
    assert log[0]["fault_id"] and log[0]["path"] == "/slack/api/auth.test"
    assert (await sandbox.get("/_sandbox/requests", params={"status": 500})).json()["items"][0]["seq"] == log[0]["seq"]


async def test_reset_forgets_everything(sandbox: httpx.AsyncClient) -> None:
    await new_channel(sandbox, "reset-me")
    await sandbox.post("/_sandbox/faults", json={"service": "slack", "kind": "drop"})
    await sandbox.put("/_sandbox/config", json={"sheets_quota_per_minute": 1})
    assert (await sandbox.post("/_sandbox/reset")).json() == {"status": "reset"}
    assert (await sandbox.get("/_sandbox/slack/channels")).json()["items"] == []
    assert (await sandbox.get("/_sandbox/faults")).json()["items"] == []
    assert (await sandbox.get("/_sandbox/config")).json()["sheets_quota_per_minute"] == 60
    assert (await sandbox.get("/_sandbox/requests")).json()["items"] == []
