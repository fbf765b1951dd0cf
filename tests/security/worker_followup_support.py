"""Fixtures of the worker follow-up tests: a receiver that records what reaches it (request line and
headers), and rows written straight into the worker's tables (as an older version, a migration or
a hand-edited database may have left them)."""

from __future__ import annotations

import asyncio
import json
import uuid
from dataclasses import dataclass, field

import asyncpg

# Answers every API the connectors call well enough for one call to succeed.
ANSWER = json.dumps({"ok": True, "channel": {"id": "C1", "name": "x"}, "ts": "1.0", "access_token": "tok",
                     "expires_in": 3600, "token_type": "Bearer", "results": [], "files": []}).encode()


@dataclass
class RecordingReceiver:
    """A plain HTTP server on 127.0.0.1 keeping each request's first line and headers."""

    heads: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    port: int = 0
    _server: asyncio.AbstractServer | None = field(default=None, repr=False)

    def url(self, path: str = "/") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def authorizations(self) -> list[str]:
        return [headers.get("authorization", "") for _, headers in self.heads]

    async def __aenter__(self) -> RecordingReceiver:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc) -> None:
        assert self._server is not None
        self._server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if line)}
            await reader.readexactly(int(headers.get("content-length", "0")))
            self.heads.append((head[0], headers))
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n"
                         b"content-length: %d\r\n\r\n%s" % (len(ANSWER), ANSWER))
            await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


async def link_project(database_url: str, project_id: uuid.UUID, client_id: uuid.UUID, director_id: uuid.UUID,
                       channel: str | None = None) -> None:
    """The worker's record of a project (what project.created events leave), directed by `director_id`."""
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(
            "INSERT INTO integrations.project_links (project_id, client_id, client_name, name, director_id, status,"
            " timezone, monthly_appointment_target, snapshot, slack_channel_id, slack_channel_name, confluence_pages,"
            " created_at, updated_at) VALUES ($1, $2, 'クライアント', $3, $4, 'active', 'Asia/Tokyo', 10, '{}', $5, $5,"
            " '{}', now(), now())",
            project_id, client_id, f"案件 {project_id.hex[:6]}", director_id, channel)
    finally:
        await conn.close()


async def force_settings_row(database_url: str, client_id: uuid.UUID, project_id: uuid.UUID | None,
                             integration: str, config: dict) -> None:
    """An integration settings row without a secret of its own, written past the API's checks."""
    conn = await asyncpg.connect(database_url)
    try:
        await conn.execute(
            "INSERT INTO integrations.integration_settings (id, client_id, project_id, integration, config,"
            " secret_encrypted, enabled, created_at, updated_at) VALUES ($1, $2, $3, $4, $5::jsonb, NULL, true,"
            " now(), now())", uuid.uuid4(), client_id, project_id, integration, json.dumps(config))
    finally:
        await conn.close()


async def record_alert_delivery(database_url: str, project_id: uuid.UUID, client_id: uuid.UUID, alert_id: str,
                                posted_to: str) -> None:
    """A pace alert the worker posted (to the director's DM `posted_to`), with its acknowledge button."""
    conn = await asyncpg.connect(database_url)
    try:
        delivery_id = uuid.uuid4()
        blocks = [{"type": "actions", "elements": [{"type": "button", "action_id": "ack_alert", "value": alert_id}]}]
        await conn.execute(
            "INSERT INTO integrations.deliveries (id, idempotency_key, integration, action, target, order_key,"
            " project_id, client_id, payload, payload_hash, status, attempts, progress, next_attempt_at, created_at,"
            " updated_at) VALUES ($1, $2, 'slack', 'slack.notify_director', $3, $4, $5, $6, $7::jsonb, 'x',"
            " 'succeeded', 1, '{}'::jsonb, now(), now(), now())",
            delivery_id, f"evt:{delivery_id}:slack.pace_alert", posted_to, f"slack:director:{project_id}",
            project_id, client_id, json.dumps({"text": "⚠️", "blocks": blocks}))
    finally:
        await conn.close()
