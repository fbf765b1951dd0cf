"""Partner webhooks: signed per Standard Webhooks (checked with the reference library and by the
sandbox receiver), replays and tampering rejected, secret rotation with a 24-hour overlap."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from worker_support import admin_headers, publish, wait_until

from anken_worker.adapters.webhooks.signing import new_secret, signature_headers


def test_signature_verifies_with_the_reference_and_rejects_tampering_and_old_timestamps() -> None:
    secret = new_secret()
    body = json.dumps({"type": "appointment.set", "data": {"company_name": "株式会社サンプル"}}, ensure_ascii=False)
    headers = signature_headers("msg_1", datetime.now(UTC), body, [secret])
    assert Webhook(secret).verify(body, headers) == json.loads(body)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace("サンプル", "サンプル2"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_secret()).verify(body, headers)
    old = signature_headers("msg_1", datetime.now(UTC) - timedelta(minutes=6), body, [secret])
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body, old)
    # During a rotation both secrets sign: a receiver holding either one verifies.
    newer = new_secret()
    both = signature_headers("msg_2", datetime.now(UTC), body, [newer, secret])
    assert Webhook(secret).verify(body, both) and Webhook(newer).verify(body, both)


async def test_appointment_webhook_delivered_signed_replay_rejected_and_rotation(worker, sandbox, redis_client, db,
                                                                                events, service_env) -> None:
    ns = service_env["REDIS_NAMESPACE"]
    auth = admin_headers(service_env)
    client_id = uuid.uuid4()
    async with httpx.AsyncClient(base_url=sandbox.url) as sb, httpx.AsyncClient(base_url=worker.url, headers=auth) as api:
        receiver = (await sb.post("/_sandbox/webhooks/endpoints", json={})).raise_for_status().json()
        created = await api.post("/v1/webhook-endpoints", json={
            "client_id": str(client_id), "url": receiver["url"], "events": ["appointment.set"]})
        assert created.status_code == 201, created.text
        endpoint = created.json()
        secret_1 = endpoint["secret"]
        assert secret_1.startswith("whsec_")
        listed = (await api.get("/v1/webhook-endpoints", params={"client_id": str(client_id)})).json()
        assert [e["id"] for e in listed["items"]] == [endpoint["id"]]
        assert "secret" not in listed["items"][0]  # shown once, at creation
        stored = await db.fetchval("SELECT secret_encrypted FROM integrations.webhook_endpoints WHERE id=$1",
                                   uuid.UUID(endpoint["id"]))
        assert secret_1 not in stored  # encrypted at rest
        (await sb.put(f"/_sandbox/webhooks/endpoints/{receiver['id']}/secret", json={"secret": secret_1})).raise_for_status()

        project_id, member_id = uuid.uuid4(), uuid.uuid4()
        await publish(redis_client, ns, events.appointment(project_id, client_id, member_id, "株式会社ウェブフック"))

        async def received():
            items = (await sb.get("/_sandbox/webhooks/received")).json()["items"]
            return [r for r in items if r["endpoint_id"] == receiver["id"]]

        got = (await wait_until(received, within_s=30, what="webhook received"))[0]
        assert got["verified"] and got["status"] == 204 and got["type"] == "appointment.set"
        assert got["payload"]["data"]["company_name"] == "株式会社ウェブフック"

        # A byte-identical replay of a delivery is refused by a verifying receiver.
        body = json.dumps({"type": "appointment.set", "data": {}})
        headers = signature_headers("msg_replay", datetime.now(UTC), body, [secret_1])
        assert (await sb.post(f"/webhooks/{receiver['id']}", content=body, headers=headers)).status_code == 204
        assert (await sb.post(f"/webhooks/{receiver['id']}", content=body, headers=headers)).status_code == 409
        tampered = await sb.post(f"/webhooks/{receiver['id']}", content=body.replace("{}", '{"x":1}'),
                                 headers=signature_headers("msg_t", datetime.now(UTC), body, [secret_1]))
        assert tampered.status_code == 401

        # Rotation: the receiver still holds the old secret and keeps verifying for 24 h.
        rotated = (await api.post(f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret")).json()
        secret_2 = rotated["secret"]
        assert secret_2 != secret_1 and rotated["rotation_expires_at"]
        test_1 = (await api.post(f"/v1/webhook-endpoints/{endpoint['id']}/test")).json()
        assert test_1["status"] == "succeeded", test_1
        (await sb.put(f"/_sandbox/webhooks/endpoints/{receiver['id']}/secret", json={"secret": secret_2})).raise_for_status()
        test_2 = (await api.post(f"/v1/webhook-endpoints/{endpoint['id']}/test")).json()
        assert test_2["status"] == "succeeded", test_2

        # A receiver with a secret we never had rejects us: dead-lettered at once with the reason.
        (await sb.put(f"/_sandbox/webhooks/endpoints/{receiver['id']}/secret", json={"secret": new_secret()})).raise_for_status()
        test_3 = (await api.post(f"/v1/webhook-endpoints/{endpoint['id']}/test")).json()
        assert test_3["status"] == "dead" and "401" in test_3["last_error"]
        delivery = (await api.get(f"/v1/deliveries/{test_3['delivery_id']}")).json()
        assert delivery["attempts"] == 1 and delivery["integration"] == "webhook"

        # Redrive after the partner fixes their side.
        (await sb.put(f"/_sandbox/webhooks/endpoints/{receiver['id']}/secret", json={"secret": secret_2})).raise_for_status()
        retried = await api.post(f"/v1/deliveries/{test_3['delivery_id']}/retry")
        assert retried.status_code == 200, retried.text

        async def redriven():
            d = (await api.get(f"/v1/deliveries/{test_3['delivery_id']}")).json()
            return d["status"] == "succeeded" and d

        assert (await wait_until(redriven, within_s=20, what="redriven delivery"))["attempts"] == 2
        again = await api.post(f"/v1/deliveries/{test_3['delivery_id']}/retry")
        assert again.status_code == 409
