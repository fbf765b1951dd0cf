"""POST/GET /slack/api/<method>: the Slack Web API, form-encoded or JSON, Bearer token."""

from __future__ import annotations

import json
from typing import Any, TypedDict

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.types import Receive, Scope, Send

from anken_common.problems import problem_responses
from anken_sandbox.dependencies import State
from anken_sandbox.slack.api import call_method
from anken_sandbox.slack.arguments import bearer_token
from anken_sandbox.slack.methods import METHODS
from anken_sandbox.slack.schemas import SlackEnvelope
from anken_sandbox.state import SandboxState

router = APIRouter(prefix="/slack/api", tags=["sandbox: Slack Web API"])


async def _arguments(request: Request) -> dict[str, Any] | None:
    """Query parameters overlaid by the body; None when a JSON body does not parse."""
    args: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        raw = await request.body()
        if raw.strip():
            try:
                body = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                return None
            if not isinstance(body, dict):
                return None
            args.update(body)
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form = await request.form()
        args.update({key: value for key, value in form.items() if isinstance(value, str)})
    return args


class _RouteDoc(TypedDict):
    """The keyword arguments both routes below share (checked against APIRouter.get/post)."""

    description: str
    response_model: type[SlackEnvelope]
    responses: dict[int | str, dict[str, Any]]


DOC: _RouteDoc = {
    "description": "Methods: " + ", ".join(METHODS) + ". Errors are HTTP 200 with `ok: false` as Slack does; "
    "rate limits are HTTP 429 with Retry-After.",
    "response_model": SlackEnvelope,
    "responses": {**problem_responses(413), 429: {"description": "ratelimited; see Retry-After", "model": SlackEnvelope}},
}


async def _call(method: str, request: Request, state: SandboxState) -> JSONResponse:
    args = await _arguments(request)
    if args is None:
        return JSONResponse({"ok": False, "error": "invalid_json"})
    token = bearer_token(request.headers.get("authorization"), args)
    status, body, headers = call_method(state.slack, state.config, method, token, args)
    return JSONResponse(body, status_code=status, headers=headers)


PREFIX = "/slack/api/"


def served_directly(scope: Scope, max_body_bytes: int) -> bool:
    """Whether a call can skip the framework (see serve_directly): one path segment, a declared body size
    within the limit. Anything else takes the documented route below, which answers every edge case."""
    if scope["method"] not in ("GET", "POST"):
        return False
    name = scope["path"][len(PREFIX):]
    if not name or "/" in name or not scope["path"].startswith(PREFIX):
        return False
    if scope["method"] == "GET":
        return True
    length = next((v for k, v in scope["headers"] if k == b"content-length"), None)
    return length is not None and length.isdigit() and int(length) <= max_body_bytes


async def serve_directly(scope: Scope, receive: Receive, send: Send, state: SandboxState) -> None:
    """The routes below, answered without the framework's routing, dependencies and middleware: every
    message the worker posts lands here, and the sandbox shares the machine with what it measures.
    Same arguments, same answers; the call is still in the request log (the gateway writes it)."""
    request = Request(scope, receive)
    response = await _call(scope["path"][len(PREFIX):], request, state)
    await response(scope, receive, send)


@router.post("/{method}", summary="Call a Slack Web API method (form-encoded or JSON body)", **DOC)
async def slack_method_post(method: str, request: Request, state: State) -> JSONResponse:
    return await _call(method, request, state)


@router.get("/{method}", summary="Call a Slack Web API method (arguments in the query string)", **DOC)
async def slack_method_get(method: str, request: Request, state: State) -> JSONResponse:
    return await _call(method, request, state)
