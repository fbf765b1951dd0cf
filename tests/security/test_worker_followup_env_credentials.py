"""The deployment's own credentials (SLACK_BOT_TOKEN, CONFLUENCE_API_TOKEN, the Google service
account) go only to the deployment's own base URLs or the vendors' defaults, never to a host typed
into a settings row; and a stored secret is bound to its origin: scheme and port, not just the host.

Before: a row saved with no secret but `{"api_url": "https://evil.example/"}` made the worker send
the environment's Slack token there (`token or s.slack_bot_token` against the row's host), and the
same for Confluence's token and Google's signed token request; an https → http or port change on
the same host kept the stored secret.
"""

from __future__ import annotations

import json
import uuid

import pytest

from anken_worker.adapters.errors import PermanentError

from .access_support import user_headers
from .outbound_support import admin_headers, first_error_field, worker_api, worker_settings
from .worker_followup_support import RecordingReceiver, force_settings_row, link_project

ENV_SLACK_TOKEN = "xoxb-deployment-wide-9f3a"
ENV_CONFLUENCE_TOKEN = "confluence-deployment-wide-9f3a"


async def test_a_custom_host_without_its_own_secret_is_422_naming_the_secret(service_env) -> None:
    client_id, project_id, director_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    await link_project(service_env["DATABASE_URL"], project_id, client_id, director_id)
    settings = worker_settings(service_env)
    async with worker_api(settings) as api:
        api.headers.update(user_headers(service_env, "director", director_id))

        async def put(integration: str, config: dict, secret: str | None = None):
            body = {"client_id": str(client_id), "project_id": str(project_id), "integration": integration,
                    "config": config}
            return await api.put("/v1/integration-settings", json=body | ({"secret": secret} if secret else {}))

        for integration, config in (("slack", {"api_url": "https://evil.example/"}),
                                    ("confluence", {"api_url": "https://evil.example/wiki/api/v2/"}),
                                    ("confluence", {"site": "evil.atlassian.net", "email": "bot@evil.example"}),
                                    ("sheets", {"token_url": "https://evil.example/token"}),
                                    ("sheets", {"drive_api_url": "https://evil.example/drive/v3/"})):
            refused = await put(integration, config)
            assert refused.status_code == 422, (integration, config, refused.text)
            assert first_error_field(refused) == "secret", refused.text
        # The deployment's own base URL, written out, and no URL at all still use its credentials.
        assert (await put("slack", {"api_url": settings.slack_api_url})).status_code == 200
        assert (await put("confluence", {"space_id": "7"})).status_code == 200
        # With credentials of its own, a row may name its host.
        own = await put("slack", {"api_url": "https://evil.example/"}, "xoxb-own-token-1234")
        assert own.status_code == 200 and own.json()["has_secret"], own.text


async def test_a_row_forced_into_the_database_never_lends_the_environment_credentials(service_env) -> None:
    client_id, project_id, own_project = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    async with RecordingReceiver() as receiver:
        settings = worker_settings(service_env, slack_bot_token=ENV_SLACK_TOKEN,
                                   confluence_api_token=ENV_CONFLUENCE_TOKEN,
                                   outbound_allow_hosts=f"127.0.0.1:{receiver.port}")
        db = service_env["DATABASE_URL"]
        await force_settings_row(db, client_id, project_id, "slack", {"api_url": receiver.url("/slack/api/")})
        await force_settings_row(db, client_id, project_id, "confluence", {"api_url": receiver.url("/wiki/api/v2/")})
        await force_settings_row(db, client_id, project_id, "sheets", {"token_url": receiver.url("/token")})
        async with worker_api(settings) as api:
            ctx = api.app.state.resources.ctx  # type: ignore[attr-defined]
            uses = {
                "slack": lambda c: c.client.call("auth.test"),
                "confluence": lambda c: c.client.get_page("1"),
                "sheets": lambda c: c.client.get_spreadsheet("sheet-1"),
            }
            for integration, use in uses.items():
                with pytest.raises(PermanentError) as refused:
                    async with ctx.engine.connect() as conn:
                        connection = await getattr(ctx.connectors, integration)(conn, client_id, project_id)
                    await use(connection)
                assert "own host" in refused.value.reason and "config." in refused.value.reason
            assert receiver.heads == [], receiver.heads  # nothing at all went there, least of all a token

            # The control: a row with its own token reaches its host, with that token only.
            api.headers.update(admin_headers(service_env))
            saved = await api.put("/v1/integration-settings", json={
                "client_id": str(client_id), "project_id": str(own_project), "integration": "slack",
                "config": {"api_url": receiver.url("/slack/api/")}, "secret": "xoxb-own-token-5678"})
            assert saved.status_code == 200, saved.text
            async with ctx.engine.connect() as conn:
                connection = await ctx.connectors.slack(conn, client_id, own_project)
            await connection.client.call("auth.test")
    assert receiver.authorizations() == ["Bearer xoxb-own-token-5678"]
    assert ENV_SLACK_TOKEN not in json.dumps(receiver.heads) and ENV_CONFLUENCE_TOKEN not in json.dumps(receiver.heads)


async def test_a_stored_secret_is_bound_to_scheme_and_port_too(service_env) -> None:
    client_id = str(uuid.uuid4())
    async with worker_api(worker_settings(service_env)) as api:
        api.headers.update(admin_headers(service_env))

        async def put(config: dict, secret: str | None = None):
            body = {"client_id": client_id, "integration": "slack", "config": config}
            return await api.put("/v1/integration-settings", json=body | ({"secret": secret} if secret else {}))

        assert (await put({"api_url": "https://slack.example.com/api/"}, "xoxb-bound-1234")).status_code == 200
        for moved in ("http://slack.example.com/api/", "https://slack.example.com:8443/api/"):
            answer = await put({"api_url": moved})
            assert answer.status_code == 422 and first_error_field(answer) == "config.api_url", (moved, answer.text)
        # The default port written out is the same origin.
        assert (await put({"api_url": "https://slack.example.com:443/api/"})).status_code == 200
        assert (await put({"api_url": "http://slack.example.com/api/"}, "xoxb-plain-5678")).status_code == 200
