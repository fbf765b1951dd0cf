"""Outermost ASGI layer for the emulated vendors: applies injected faults and logs every call with its status.

It wraps the whole app (outside Starlette's error middleware) so that it still holds the server's own
`send`, which is what lets a "drop" fault close the TCP connection without sending a single byte."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from anken_sandbox.fault_envelopes import fault_response
from anken_sandbox.faults import FaultKind, SandboxService, service_for_path
from anken_sandbox.slack.endpoints import serve_directly, served_directly

RESET_PATH = "/_sandbox/reset"

if TYPE_CHECKING:
    from fastapi import FastAPI

    from anken_sandbox.state import SandboxState


class ConnectionDropped(Exception):
    """Raised instead of dropping when there is no socket to close (the app runs in-process)."""


async def drop_connection(send: Send) -> None:
    """Abort the client's TCP connection; uvicorn passes its protocol's bound `send`, which knows the transport."""
    transport = getattr(getattr(send, "__self__", None), "transport", None)
    if transport is None:
        raise ConnectionDropped("sandbox dropped the connection")
    transport.abort()
    # Let uvicorn see connection_lost before the app returns, so it does not try to answer 500.
    await asyncio.sleep(0.01)


def changes_state(service: SandboxService | None, method: str, path: str) -> bool:
    """Whether a request may have changed what the state file keeps. Slack methods answer GET too, so
    every Slack call counts; a reset removes the file itself."""
    if path == RESET_PATH:
        return False
    if method in ("GET", "HEAD"):
        return service == SandboxService.slack
    return True


class SandboxGateway:
    def __init__(self, app: ASGIApp, state: SandboxState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        service = service_for_path(scope["path"])
        try:
            await self._http(scope, receive, send, service)
        finally:
            # After the answer, so that a save never takes a snapshot between this mark and the change.
            if changes_state(service, scope["method"], scope["path"]):
                self.state.mark_changed()

    async def _http(self, scope: Scope, receive: Receive, send: Send, service: SandboxService | None) -> None:
        if service is None:
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        seq = self.state.requests.next_seq()
        started = time.perf_counter()
        status: dict[str, int | None] = {"value": None}

        async def _send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["value"] = message["status"]
            await send(message)

        fault = self.state.faults.consume(service, method, path)
        outcome = "handled"
        try:
            if fault is not None and fault.kind == FaultKind.slow:
                outcome = "slow"
                await asyncio.sleep(fault.delay_s)
            if fault is not None and fault.kind == FaultKind.drop:
                outcome = "dropped"
                await drop_connection(send)
            elif fault is not None and fault.kind == FaultKind.status:
                outcome = "fault"
                await fault_response(fault)(scope, receive, _send)
            elif service == SandboxService.slack and served_directly(scope, self.state.settings.max_body_bytes):
                await serve_directly(scope, receive, _send, self.state)
            else:
                await self.app(scope, receive, _send)
        finally:
            self.state.requests.record(
                seq, at=datetime.now(UTC), service=service.value, method=method, path=path,
                query=scope.get("query_string", b"").decode("latin-1"), status=status["value"], outcome=outcome,
                fault_id=fault.id if fault else None, duration_ms=round((time.perf_counter() - started) * 1000, 2),
            )


def wrap_outermost(app: FastAPI, state: SandboxState) -> None:
    """Put the gateway around Starlette's whole middleware stack (built lazily on the first request)."""
    build = app.build_middleware_stack

    def build_with_gateway() -> ASGIApp:
        return SandboxGateway(build(), state)

    # Replacing the method on this one instance is the point (Starlette offers no hook outside its middleware).
    app.build_middleware_stack = build_with_gateway  # type: ignore[method-assign]
