"""Slack arguments arrive as form fields (strings) or JSON values; these read them the way Slack does."""

from __future__ import annotations

import json
from typing import Any

from anken_sandbox.slack.workspace import SlackError


def text_arg(args: dict[str, Any], name: str) -> str | None:
    value = args.get(name)
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)


def required_arg(args: dict[str, Any], name: str, error: str = "invalid_arguments") -> str:
    value = text_arg(args, name)
    if value is None or value == "":
        raise SlackError(error, response_metadata={"messages": [f"[ERROR] missing required field: {name}"]})
    return value


def bool_arg(args: dict[str, Any], name: str, default: bool = False) -> bool:
    value = args.get(name)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in ("1", "true", "yes")


def int_arg(args: dict[str, Any], name: str, default: int) -> int:
    value = args.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise SlackError("invalid_arguments", response_metadata={"messages": [f"[ERROR] {name} must be a number"]})


def float_arg(args: dict[str, Any], name: str, default: float) -> float:
    value = args.get(name)
    if value is None or value == "":
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise SlackError("invalid_arguments", response_metadata={"messages": [f"[ERROR] {name} must be a timestamp"]})


def json_arg(args: dict[str, Any], name: str, error: str) -> Any:
    """A structured argument: a JSON value, or a JSON string when sent as a form field."""
    value = args.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise SlackError(error)
    return value


def bearer_token(authorization: str | None, args: dict[str, Any]) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip() or None
    token = args.get("token")
    return token if isinstance(token, str) and token else None
