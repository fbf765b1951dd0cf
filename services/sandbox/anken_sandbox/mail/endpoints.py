"""GET /_sandbox/mail/messages: what the SMTP catcher (SANDBOX_SMTP_PORT) received."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from anken_common.problems import problem_responses
from anken_sandbox.control.schemas import Page
from anken_sandbox.dependencies import State
from anken_sandbox.mail.schemas import MailMessageView
from anken_sandbox.pagination import page

router = APIRouter(prefix="/_sandbox", tags=["sandbox: received"])
Limit = Annotated[int, Query(ge=1, le=1000)]


@router.get("/mail/messages", summary="Mails received by the SMTP catcher, oldest first (newest last)",
            description="Every mail sent to the sandbox's SMTP port (SANDBOX_SMTP_PORT, 8025 by default): envelope, "
                        "headers and plain-text body. `to` keeps those whose envelope or To header names the address.",
            response_model=Page[MailMessageView], responses=problem_responses(422))
async def mail_messages(
    state: State, to: Annotated[str | None, Query(description="only mails to this address (any case)")] = None,
    cursor: str | None = None, limit: Limit = 1000,
) -> Page[MailMessageView]:
    views = [MailMessageView.model_validate(m.as_api()) for m in state.mail.to(to)]
    items, next_cursor = page(views, cursor, limit)
    return Page[MailMessageView](items=items, next_cursor=next_cursor)
