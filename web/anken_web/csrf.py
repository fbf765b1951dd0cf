"""CSRF protection: every unsafe request carries the session's token, as a form field
(`csrf_token`) or, for HTMX requests, the `X-CSRF-Token` header set through hx-headers."""

from __future__ import annotations

import hmac

from starlette.requests import Request

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfRejected(Exception):
    """The request's CSRF token is missing or does not match the session's."""


async def submitted_token(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else None
    return None


async def check_csrf(request: Request, expected: str) -> None:
    if request.method in SAFE_METHODS:
        return
    given = await submitted_token(request)
    if not given or not hmac.compare_digest(given, expected):
        raise CsrfRejected()
