"""POST /slack/commands and /slack/interactions, verified by Slack's request signature."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict

from anken_common.logging import get_logger
from anken_common.problems import ProblemError, Unauthorized, UnprocessableEntity, problem_responses
from anken_worker.context import WorkerContext
from anken_worker.db import ContextDep
from anken_worker.slack_inbound.commands import answer_command, handle_interaction
from anken_worker.slack_inbound.signature import BadSignature, verify

router = APIRouter(tags=["slack inbound"])
log = get_logger("anken.worker.slack_inbound")
FORM_BODY = {"requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": {
    "type": "object", "properties": {"command": {"type": "string", "example": "/anken"},
                                     "text": {"type": "string", "example": "status"},
                                     "channel_id": {"type": "string"}, "user_id": {"type": "string"},
                                     "payload": {"type": "string", "description": "interactions: JSON"}}}}}}}


class SlackAnswer(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"response_type": "ephemeral", "text": "本日: 架電 120 …"}]})
    response_type: str = "ephemeral"
    text: str
    replace_original: bool | None = None


async def _verified_form(request: Request, ctx: WorkerContext) -> dict[str, str]:
    secret = ctx.settings.inbound_signing_secret
    if secret is None:
        # Outside the sandbox there is no stand-in secret: nothing from Slack is trusted until one is set.
        raise ProblemError(503, detail="Slack requests are refused: SLACK_SIGNING_SECRET is not configured")
    body = await request.body()
    try:
        verify(secret, request.headers.get("x-slack-request-timestamp"), request.headers.get("x-slack-signature"), body)
    except BadSignature as exc:
        log.warning("slack_signature_rejected", path=request.url.path, reason=str(exc),
                    client=request.client.host if request.client else None)
        raise Unauthorized(f"Slack signature verification failed: {exc}") from None
    return {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}


@router.post("/slack/commands", response_model=SlackAnswer, summary="The /anken slash command (status, today, pace)",
             responses=problem_responses(401, 422, 503), openapi_extra=FORM_BODY)
async def slash_command(request: Request, ctx: ContextDep) -> SlackAnswer:
    form = await _verified_form(request, ctx)
    text = await answer_command(ctx, form.get("text", ""), form.get("channel_id", ""), form.get("user_id", ""))
    return SlackAnswer(text=text)


@router.post("/slack/interactions", response_model=SlackAnswer, summary="Interactive buttons (acknowledge an alert)",
             responses=problem_responses(401, 422, 503), openapi_extra=FORM_BODY)
async def interaction(request: Request, ctx: ContextDep) -> SlackAnswer:
    form = await _verified_form(request, ctx)
    try:
        payload = json.loads(form.get("payload", ""))
        if not isinstance(payload, dict):
            raise ValueError
    except ValueError:
        raise UnprocessableEntity("payload", "must be the JSON Slack sends") from None
    return SlackAnswer(text=await handle_interaction(ctx, payload), replace_original=False)
