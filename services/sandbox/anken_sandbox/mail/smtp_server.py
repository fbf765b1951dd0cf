"""The sandbox's SMTP catcher (aiosmtpd) on SANDBOX_SMTP_PORT: accepts every mail (and any AUTH login, so a
service configured with credentials works against it too) and keeps it in the sandbox state's mailbox.

It runs on the app's own event loop, started by `anken-sandbox serve` (app.create_served_sandbox_app), so
the mailbox is only ever touched from that loop. In-process test apps start it only when asked."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, Session

from anken_common.logging import get_logger
from anken_sandbox.state import SandboxState

log = get_logger("anken.sandbox.smtp")
HOSTNAME = "sandbox.anken.local"
# aiosmtpd logs every SMTP command at INFO (and a deprecation of its own on each login); the catcher's own
# line per mail is enough.
logging.getLogger("mail.log").setLevel(logging.ERROR)


class CatchingHandler:
    def __init__(self, state: SandboxState) -> None:
        self.state = state

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or envelope.content or b""
        data = content if isinstance(content, bytes) else content.encode()
        caught = self.state.mail.receive(str(envelope.mail_from or ""), [str(r) for r in envelope.rcpt_tos], data)
        self.state.mark_changed()
        log.info("sandbox_mail_caught", seq=caught.seq, to=caught.rcpt_to, subject=caught.subject)
        return "250 Message accepted for delivery"


def _any_login(server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any) -> AuthResult:
    return AuthResult(success=True)


async def start(state: SandboxState, host: str, port: int) -> asyncio.Server:
    handler = CatchingHandler(state)
    loop = asyncio.get_running_loop()
    return await loop.create_server(
        lambda: SMTP(handler, hostname=HOSTNAME, enable_SMTPUTF8=True, authenticator=_any_login,
                     auth_require_tls=False),
        host=host, port=port)


@asynccontextmanager
async def serving(state: SandboxState, host: str, port: int) -> AsyncIterator[asyncio.Server | None]:
    """The catcher for the app's lifetime; a port that cannot be bound is logged and the sandbox runs without it
    (its HTTP side is what most work needs)."""
    try:
        server: asyncio.Server | None = await start(state, host, port)
    except OSError as exc:
        log.warning("sandbox_smtp_not_started", host=host, port=port, error=str(exc))
        server = None
    else:
        log.info("sandbox_smtp_listening", host=host, port=port)
    try:
        yield server
    finally:
        if server is not None:
            server.close()
            await server.wait_closed()
