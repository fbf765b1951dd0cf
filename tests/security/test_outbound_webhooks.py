"""Partner webhook endpoints and integration base URLs through the worker's API: refused at save time
when they point inside, refused again when connecting (a name that now resolves inside), and a test
send that tells the status code and timing only, never what the endpoint answered."""

from __future__ import annotations

import uuid

import asyncpg

from .outbound_support import (
    SECRET_BODY_MARK,
    PartnerEndpoint,
    admin_headers,
    first_error_field,
    worker_api,
    worker_settings,
)

INSIDE = ["http://127.0.0.1:9/", "http://169.254.169.254/latest/meta-data/", "file:///etc/passwd",
          "gopher://127.0.0.1:6379/_INFO", "http://localhost:8001/v1/users", "http://[::1]/", "http://10.0.0.8/"]


async def test_webhook_and_integration_urls_pointing_inside_are_422_at_save_time(service_env) -> None:
    client_id = str(uuid.uuid4())
    async with worker_api(worker_settings(service_env)) as api:
        api.headers.update(admin_headers(service_env))
        for url in INSIDE:
            created = await api.post("/v1/webhook-endpoints", json={"client_id": client_id, "url": url})
            assert created.status_code == 422, (url, created.text)
            assert first_error_field(created) == "url", created.text
        settings = [
            ("slack", {"api_url": "http://127.0.0.1:6379/"}, "config.api_url"),
            ("confluence", {"site": "169.254.169.254", "email": "a@b.jp"}, "config.site"),
            ("confluence", {"site": "acme.atlassian.net@127.0.0.1", "email": "a@b.jp"}, "config.site"),
            ("sheets", {"token_url": "http://metadata.google.internal/token"}, "config.token_url"),
            ("sheets", {"drive_api_url": "file:///etc/"}, "config.drive_api_url"),
        ]
        for integration, config, field in settings:
            saved = await api.put("/v1/integration-settings", json={
                "client_id": client_id, "integration": integration, "config": config})
            assert saved.status_code == 422, (config, saved.text)
            assert first_error_field(saved) == field
        # A public address is accepted.
        ok = await api.post("/v1/webhook-endpoints", json={"client_id": client_id,
                                                            "url": "https://93.184.216.34/anken/hooks"})
        assert ok.status_code == 201, ok.text


async def test_test_send_reports_status_and_timing_never_the_body(service_env) -> None:
    async with PartnerEndpoint(body_bytes=10 * 1024 * 1024) as endpoint:
        settings = worker_settings(service_env, outbound_allow_hosts=f"127.0.0.1:{endpoint.port}")
        async with worker_api(settings) as api:
            api.headers.update(admin_headers(service_env))
            created = await api.post("/v1/webhook-endpoints", json={"client_id": str(uuid.uuid4()),
                                                                    "url": endpoint.url})
            assert created.status_code == 201, created.text
            sent = await api.post(f"/v1/webhook-endpoints/{created.json()['id']}/test")
            assert sent.status_code == 200, sent.text
            result = sent.json()
            assert result["status"] == "succeeded" and result["status_code"] == 200, result
            assert isinstance(result["duration_ms"], int) and result["duration_ms"] >= 0
            assert SECRET_BODY_MARK not in sent.text and "response_excerpt" not in result
            # Nor does the delivery log keep any of it.
            delivery = await api.get(f"/v1/deliveries/{result['delivery_id']}")
            assert delivery.status_code == 200 and SECRET_BODY_MARK not in delivery.text
        # 10 MB offered: read up to 64 KiB only (how much, test_outbound_guard measures).
        assert endpoint.requests == 1


async def test_an_endpoint_whose_name_now_resolves_inside_is_refused_when_connecting(service_env) -> None:
    async with PartnerEndpoint() as allowed, PartnerEndpoint() as inside:
        settings = worker_settings(service_env, outbound_allow_hosts=f"127.0.0.1:{allowed.port}")
        async with worker_api(settings) as api:
            api.headers.update(admin_headers(service_env))
            created = (await api.post("/v1/webhook-endpoints", json={"client_id": str(uuid.uuid4()),
                                                                     "url": allowed.url})).json()
            # What DNS rebinding amounts to: the saved name now leads to an address nobody allowed.
            conn = await asyncpg.connect(service_env["DATABASE_URL"])
            try:
                await conn.execute("UPDATE integrations.webhook_endpoints SET url=$1 WHERE id=$2",
                                   f"http://localhost:{inside.port}/hooks", uuid.UUID(created["id"]))
            finally:
                await conn.close()
            result = (await api.post(f"/v1/webhook-endpoints/{created['id']}/test")).json()
            assert result["status"] == "dead" and result["status_code"] is None, result
            assert "outbound guard" in result["last_error"] and "loopback" in result["last_error"]
        assert inside.requests == 0


async def test_a_webhook_url_cannot_move_to_another_host(service_env) -> None:
    async with worker_api(worker_settings(service_env)) as api:
        api.headers.update(admin_headers(service_env))
        created = (await api.post("/v1/webhook-endpoints", json={"client_id": str(uuid.uuid4()),
                                                                 "url": "https://93.184.216.34/hooks"})).json()
        moved = await api.patch(f"/v1/webhook-endpoints/{created['id']}", json={"url": "https://1.1.1.1/hooks"})
        assert moved.status_code == 422 and first_error_field(moved) == "url"
        same_host = await api.patch(f"/v1/webhook-endpoints/{created['id']}", json={"url": "https://93.184.216.34/v2"})
        assert same_host.status_code == 200 and same_host.json()["url"] == "https://93.184.216.34/v2"
        inside = await api.patch(f"/v1/webhook-endpoints/{created['id']}", json={"url": "http://10.0.0.1/v2"})
        assert inside.status_code == 422 and first_error_field(inside) == "url"
