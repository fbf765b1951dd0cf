"""The partner webhook receiver, checked against the Standard Webhooks reference signer."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
from standardwebhooks import Webhook

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
NEW_SECRET = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD"


def signed(secret: str, msg_id: str, body: str, at: datetime | None = None, *extra_signatures: str) -> dict[str, str]:
    at = at or datetime.now(UTC)
    signature = Webhook(secret).sign(msg_id, at, body)
    return {"webhook-id": msg_id, "webhook-timestamp": str(int(at.timestamp())),
            "webhook-signature": " ".join((*extra_signatures, signature)), "content-type": "application/json"}


async def _endpoint(client: httpx.AsyncClient, secret: str = SECRET) -> dict:
    response = await client.post("/_sandbox/webhooks/endpoints", json={"secret": secret})
    assert response.status_code == 201
    return response.json()


async def _received(client: httpx.AsyncClient, **params: str) -> list[dict]:
    return (await client.get("/_sandbox/webhooks/received", params=params)).json()["items"]


async def test_reference_signature_verifies_and_is_recorded(sandbox: httpx.AsyncClient) -> None:
    endpoint = await _endpoint(sandbox)
    assert endpoint["url"].endswith(f"/webhooks/{endpoint['id']}")
    body = json.dumps({"type": "appointment.set", "data": {"company": "株式会社サンプル"}}, ensure_ascii=False)
    response = await sandbox.post(f"/webhooks/{endpoint['id']}", content=body.encode(),
                                  headers=signed(SECRET, "msg_1", body))
    assert response.status_code == 204
    [record] = await _received(sandbox)
    assert record["verified"] is True and record["type"] == "appointment.set"
    assert record["payload"]["data"]["company"] == "株式会社サンプル" and record["webhook_id"] == "msg_1"


async def test_tampered_body_wrong_secret_and_old_timestamp_are_401(sandbox: httpx.AsyncClient) -> None:
    endpoint = await _endpoint(sandbox)
    url = f"/webhooks/{endpoint['id']}"
    body = '{"type": "appointment.updated"}'
    tampered = await sandbox.post(url, content=b'{"type": "appointment.cancelled"}', headers=signed(SECRET, "m1", body))
    assert tampered.status_code == 401
    wrong = await sandbox.post(url, content=body.encode(), headers=signed(NEW_SECRET, "m2", body))
    assert wrong.status_code == 401
    old = await sandbox.post(url, content=body.encode(),
                             headers=signed(SECRET, "m3", body, datetime.now(UTC) - timedelta(minutes=6)))
    assert old.status_code == 401 and old.json()["error"] == "Message timestamp too old"
    rejected = await _received(sandbox, verified="false")
    assert [r["webhook_id"] for r in rejected] == ["m1", "m2", "m3"] and all(r["reason"] for r in rejected)


async def test_missing_or_malformed_headers_are_400(sandbox: httpx.AsyncClient) -> None:
    endpoint = await _endpoint(sandbox)
    url = f"/webhooks/{endpoint['id']}"
    assert (await sandbox.post(url, content=b"{}")).status_code == 400
    headers = signed(SECRET, "m1", "{}")
    headers["webhook-signature"] = "garbage-without-version"
    assert (await sandbox.post(url, content=b"{}", headers=headers)).status_code == 400
    headers = signed(SECRET, "m2", "{}")
    headers["webhook-timestamp"] = "yesterday"
    assert (await sandbox.post(url, content=b"{}", headers=headers)).status_code == 400
    assert (await sandbox.post("/webhooks/ep_unknown", content=b"{}", headers=signed(SECRET, "m3", "{}"))).status_code \
        == 404


async def test_replayed_webhook_is_rejected(sandbox: httpx.AsyncClient) -> None:
    endpoint = await _endpoint(sandbox)
    body = '{"type": "weekly_report.published"}'
    headers = signed(SECRET, "msg_replay", body)
    first = await sandbox.post(f"/webhooks/{endpoint['id']}", content=body.encode(), headers=headers)
    replay = await sandbox.post(f"/webhooks/{endpoint['id']}", content=body.encode(), headers=headers)
    assert (first.status_code, replay.status_code) == (204, 409)
    records = await _received(sandbox, endpoint_id=endpoint["id"])
    assert [(r["verified"], r["reason"]) for r in records] == [(True, None), (False, "replayed webhook-id")]


async def test_sender_retry_of_a_received_id_is_acknowledged_as_duplicate(sandbox: httpx.AsyncClient) -> None:
    endpoint = await _endpoint(sandbox)
    body = '{"type": "appointment.set"}'
    first = await sandbox.post(f"/webhooks/{endpoint['id']}", content=body.encode(),
                               headers=signed(SECRET, "msg_retry", body, datetime.now(UTC) - timedelta(seconds=30)))
    retry = await sandbox.post(f"/webhooks/{endpoint['id']}", content=body.encode(),
                               headers=signed(SECRET, "msg_retry", body))
    assert first.status_code == 204
    assert retry.status_code == 200 and retry.json() == {"duplicate": True, "webhook_id": "msg_retry"}
    records = await _received(sandbox, endpoint_id=endpoint["id"])
    assert [(r["verified"], r["duplicate"]) for r in records] == [(True, False), (True, True)]


async def test_rotation_with_both_signatures_verifies_under_either_secret(sandbox: httpx.AsyncClient) -> None:
    endpoint = await _endpoint(sandbox)
    url = f"/webhooks/{endpoint['id']}"
    body = '{"type": "project.status_changed"}'
    at = datetime.now(UTC)
    old_signature = Webhook(SECRET).sign("r1", at, body)
    both = signed(NEW_SECRET, "r1", body, at, old_signature)  # sender signs with old and new during rotation
    assert (await sandbox.post(url, content=body.encode(), headers=both)).status_code == 204
    rotated = await sandbox.put(f"/_sandbox/webhooks/endpoints/{endpoint['id']}/secret", json={"secret": NEW_SECRET})
    assert rotated.status_code == 200
    both_again = signed(NEW_SECRET, "r2", body, at, Webhook(SECRET).sign("r2", at, body))
    assert (await sandbox.post(url, content=body.encode(), headers=both_again)).status_code == 204
    only_old = signed(SECRET, "r3", body)
    assert (await sandbox.post(url, content=body.encode(), headers=only_old)).status_code == 401


async def test_invalid_secret_is_422(sandbox: httpx.AsyncClient) -> None:
    response = await sandbox.post("/_sandbox/webhooks/endpoints", json={"secret": "whsec_"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "secret"
    generated = (await sandbox.post("/_sandbox/webhooks/endpoints", json={})).json()
    assert generated["secret"].startswith("whsec_")
