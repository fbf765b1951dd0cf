"""Typed access to the sandbox's in-memory state from a request."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from anken_sandbox.state import SandboxState


async def get_state(request: Request) -> SandboxState:
    # async: a plain def dependency would cost a thread-pool hop on every emulated API call.
    state: SandboxState = request.app.state.sandbox
    return state


State = Annotated[SandboxState, Depends(get_state)]
