"""Webhook endpoints (issue 17): plain http refused in production (422 on `url`), DELETE with the update's
access rule (another client's endpoint is 404), and the delivery log filtered by endpoint."""

from __future__ import annotations

import uuid

import httpx
import pytest
from worker_support import admin_headers

from anken_common.auth_tokens import issue_user_token
from anken_common.outbound_guard import OutboundPolicy
from anken_common.problems import UnprocessableEntity
from anken_worker.webhook_endpoints.service import check_url


async def test_production_refuses_a_plain_http_endpoint_url_on_url() -> None:
    policy = OutboundPolicy()
    with pytest.raises(UnprocessableEntity) as refused:
        await check_url("http://93.184.216.34/webhooks", policy, https_only=True)
    assert refused.value.status == 422
    assert refused.value.extra["errors"][0]["field"] == "url"
    assert "https" in refused.value.extra["errors"][0]["message"]
    await check_url("https://93.184.216.34/webhooks", policy, https_only=True)
    await check_url("http://93.184.216.34/webhooks", policy, https_only=False)  # development and the sandbox


async def test_delete_and_the_endpoint_filter_of_the_delivery_log(worker, sandbox, service_env) -> None:
    outsider = {"Authorization": "Bearer " + issue_user_token(service_env["ANKEN_SECRET_KEY"], str(uuid.uuid4()),
                                                              "director")}
    client_id = uuid.uuid4()
    async with httpx.AsyncClient(base_url=sandbox.url) as sb, \
            httpx.AsyncClient(base_url=worker.url, headers=admin_headers(service_env)) as api:
        ids = []
        for _ in range(2):
            receiver = (await sb.post("/_sandbox/webhooks/endpoints", json={})).raise_for_status().json()
            created = await api.post("/v1/webhook-endpoints", json={"client_id": str(client_id), "url": receiver["url"]})
            assert created.status_code == 201, created.text
            (await sb.put(f"/_sandbox/webhooks/endpoints/{receiver['id']}/secret",
                          json={"secret": created.json()["secret"]})).raise_for_status()
            ids.append(created.json()["id"])
        first, second = ids
        sent = {e: (await api.post(f"/v1/webhook-endpoints/{e}/test")).json()["delivery_id"] for e in ids}

        listed = (await api.get("/v1/deliveries", params={"endpoint_id": first, "integration": "webhook"})).json()
        assert [d["id"] for d in listed["items"]] == [sent[first]]
        other = (await api.get("/v1/deliveries", params={"endpoint_id": second})).json()
        assert [d["id"] for d in other["items"]] == [sent[second]]
        invalid = await api.get("/v1/deliveries", params={"endpoint_id": "not-an-id"})
        assert invalid.status_code == 422 and "endpoint_id" in invalid.text
        hidden = await api.get("/v1/deliveries", params={"endpoint_id": first}, headers=outsider)
        assert hidden.status_code == 200 and hidden.json()["items"] == []

        # Another client's director: 404, and the endpoint stays.
        refused = await api.delete(f"/v1/webhook-endpoints/{first}", headers=outsider)
        assert refused.status_code == 404, refused.text
        assert (await api.get(f"/v1/webhook-endpoints/{first}")).status_code == 200

        deleted = await api.delete(f"/v1/webhook-endpoints/{first}")
        assert deleted.status_code == 204, deleted.text
        assert (await api.get(f"/v1/webhook-endpoints/{first}")).status_code == 404
        assert (await api.delete(f"/v1/webhook-endpoints/{first}")).status_code == 404
        remaining = (await api.get("/v1/webhook-endpoints", params={"client_id": str(client_id)})).json()["items"]
        assert [e["id"] for e in remaining] == [second]
