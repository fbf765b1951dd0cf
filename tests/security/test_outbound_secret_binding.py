"""A stored integration secret is bound to the host it was entered for: moving `api_url`, `site` or
`drive_api_url` elsewhere without entering the secret again is a 422 naming the field, so the old
token is never sent to a host the person who entered it did not choose."""

from __future__ import annotations

import json
import uuid

from .outbound_support import admin_headers, first_error_field, worker_api, worker_settings

SERVICE_ACCOUNT = json.dumps({"client_email": "bot@project.iam.gserviceaccount.com",
                              "private_key": "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n"})


async def test_moving_a_host_without_a_new_secret_is_422(service_env) -> None:
    client_id = str(uuid.uuid4())
    async with worker_api(worker_settings(service_env)) as api:
        api.headers.update(admin_headers(service_env))

        async def put(integration: str, config: dict, secret: str | None = None):
            body = {"client_id": client_id, "integration": integration, "config": config}
            return await api.put("/v1/integration-settings", json=body | ({"secret": secret} if secret else {}))

        assert (await put("slack", {"api_url": "https://slack.example.com/api/"}, "xoxb-1111-first")).status_code == 200
        moved = await put("slack", {"api_url": "https://collector.example.net/api/"})
        assert moved.status_code == 422 and first_error_field(moved) == "config.api_url", moved.text
        # Dropping api_url sends the token to Slack's own host: also a move.
        dropped = await put("slack", {})
        assert dropped.status_code == 422 and first_error_field(dropped) == "config.api_url"
        # Same host, other path or other settings: the secret stays.
        same = await put("slack", {"api_url": "https://slack.example.com/api/v2/", "channel_prefix": "x"})
        assert same.status_code == 200 and same.json()["has_secret"]
        # With the secret entered again, the move is fine.
        assert (await put("slack", {"api_url": "https://collector.example.net/api/"}, "xoxb-2222-new")).status_code == 200

        site = {"site": "acme.atlassian.net", "email": "bot@acme.jp", "space_id": "1"}
        assert (await put("confluence", site, "confluence-api-token-1")).status_code == 200
        moved_site = await put("confluence", site | {"site": "evil.atlassian.net"})
        assert moved_site.status_code == 422 and first_error_field(moved_site) == "config.site"

        assert (await put("sheets", {}, SERVICE_ACCOUNT)).status_code == 200
        moved_drive = await put("sheets", {"drive_api_url": "https://drive.example.org/drive/v3/"})
        assert moved_drive.status_code == 422 and first_error_field(moved_drive) == "config.drive_api_url"
