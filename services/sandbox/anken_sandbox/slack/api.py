"""One Slack Web API call: authenticate, apply the method's tier limit, run the method, shape the answer."""

from __future__ import annotations

from typing import Any

from anken_sandbox.config import SandboxConfig
from anken_sandbox.rate_limits import SlidingWindow, retry_after_header
from anken_sandbox.slack.methods import METHODS, TIER_PER_MINUTE, RateLimited
from anken_sandbox.slack.workspace import SlackError, SlackWorkspace

TOKEN_PREFIXES = ("xoxb-", "xoxp-")


def call_method(
    ws: SlackWorkspace, config: SandboxConfig, method: str, token: str | None, args: dict[str, Any]
) -> tuple[int, dict[str, Any], dict[str, str]]:
    """Returns (HTTP status, body, headers). Errors are HTTP 200 with ok=false, except rate limits (429)."""
    entry = METHODS.get(method)
    if entry is None:
        return 200, {"ok": False, "error": "unknown_method"}, {}
    handler, tier = entry
    try:
        if token is None:
            raise SlackError("not_authed")
        if not token.startswith(TOKEN_PREFIXES) or len(token) <= len("xoxb-"):
            raise SlackError("invalid_auth")
        if token in ws.revoked_tokens:
            raise SlackError("token_revoked")
        if tier is not None:
            limit = max(1, int(TIER_PER_MINUTE[tier] * config.slack_tier_scale))
            window = ws.method_windows.setdefault((token, method), SlidingWindow(limit))
            window.limit = limit
            wait = window.take()
            if wait > 0:
                raise RateLimited(wait)
        result = handler(ws, args, config)
    except SlackError as exc:
        return 200, {"ok": False, "error": exc.code, **exc.extra}, {}
    except RateLimited as exc:
        ws.ratelimited += 1
        return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": retry_after_header(exc.wait_s)}
    return 200, {"ok": True, **result}, {}
