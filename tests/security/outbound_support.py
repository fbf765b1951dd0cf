"""Fixtures of the outbound (SSRF), Slack and worker-job tests: a partner endpoint the test controls,
the worker in process (its API against the session's database and Redis), and Slack request signing.

The worker runs in process (`create_app(..., background=False)`) with its own settings, so each test
chooses what the outbound guard allows; webhook test sends are attempted inside the request, so no
background worker is needed for them.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
from asgi_lifespan import LifespanManager

from anken_common.auth_tokens import issue_user_token
from anken_worker.main import create_app
from anken_worker.settings import WorkerSettings
from anken_worker.slack_inbound.signature import sign

SECRET_BODY_MARK = "INTERNAL-ONLY-3f9c"  # what an internal service would answer: must never come back


@dataclass
class PartnerEndpoint:
    """A plain HTTP server on 127.0.0.1 that answers every request with `body_bytes` bytes (streamed),
    counting the requests it got and the bytes it managed to send."""

    body_bytes: int = 64
    requests: int = 0
    bytes_sent: int = 0
    finished: int = 0
    port: int = 0
    _server: asyncio.AbstractServer | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/anken"

    async def __aenter__(self) -> PartnerEndpoint:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc) -> None:
        assert self._server is not None
        self._server.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), 0)
            await reader.readexactly(length)
            self.requests += 1
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nconnection: close\r\n"
                         b"content-length: %d\r\n\r\n" % self.body_bytes)
            chunk = (SECRET_BODY_MARK.encode() + b" ") * 4096
            left = self.body_bytes
            while left > 0:
                piece = chunk[:left]
                writer.write(piece)
                await writer.drain()
                left -= len(piece)
                self.bytes_sent += len(piece)
            self.finished += 1
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()


def worker_settings(service_env: dict[str, str], **overrides) -> WorkerSettings:
    env = {k.lower(): v for k, v in service_env.items() if k.isupper()}
    values = {**env, "cron_enabled": False, "consumer_enabled": False, "log_level": "WARNING", **overrides}
    return WorkerSettings(**values)


@asynccontextmanager
async def worker_api(settings: WorkerSettings) -> AsyncIterator[httpx.AsyncClient]:
    """The worker's API in process; `client.app` is the application (its context: app.state.resources.ctx)."""
    app = create_app(settings, background=False)
    async with LifespanManager(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://worker.test",
                                     timeout=60) as client:
            client.app = app  # type: ignore[attr-defined]
            yield client


def admin_headers(service_env: dict[str, str]) -> dict[str, str]:
    token = issue_user_token(service_env["ANKEN_SECRET_KEY"], str(uuid.uuid4()), "admin")
    return {"Authorization": f"Bearer {token}"}


def slack_signed(body: str, secret: str) -> dict[str, str]:
    ts = str(int(time.time()))
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sign(secret, ts, body.encode()),
            "Content-Type": "application/x-www-form-urlencoded"}


def first_error_field(response: httpx.Response) -> str | None:
    errors = response.json().get("errors") or [{}]
    return errors[0].get("field")
