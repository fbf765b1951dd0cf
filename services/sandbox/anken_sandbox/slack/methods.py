"""The Slack Web API methods the sandbox answers, with Slack's documented argument rules and error codes."""

from __future__ import annotations

import base64
import re
import time
from collections.abc import Callable
from typing import Any

from anken_sandbox.config import SandboxConfig
from anken_sandbox.slack.arguments import bool_arg, float_arg, int_arg, json_arg, required_arg, text_arg
from anken_sandbox.slack.workspace import (
    BOT_ID,
    BOT_USER_ID,
    TEAM_ID,
    TEAM_NAME,
    SlackChannel,
    SlackError,
    SlackMessage,
    SlackWorkspace,
)

CHANNEL_NAME = re.compile(r"^[a-z0-9_\-]+$")
MAX_TEXT = 40_000
MAX_BLOCKS = 50
MAX_TOPIC = 250

Method = Callable[[SlackWorkspace, dict[str, Any], SandboxConfig], dict[str, Any]]


def auth_test(ws: SlackWorkspace, args: dict[str, Any], config: SandboxConfig) -> dict[str, Any]:
    return {
        "url": "https://anken-sandbox.slack.com/", "team": TEAM_NAME, "user": "anken", "team_id": TEAM_ID,
        "user_id": BOT_USER_ID, "bot_id": BOT_ID, "is_enterprise_install": False,
    }


def conversations_create(ws: SlackWorkspace, args: dict[str, Any], config: SandboxConfig) -> dict[str, Any]:
    name = text_arg(args, "name") or ""
    if not name:
        raise SlackError("invalid_name_required")
    if len(name) > 80:
        raise SlackError("invalid_name_maxlength")
    if not CHANNEL_NAME.match(name):
        raise SlackError("invalid_name_specials")
    if not re.search(r"[a-z0-9]", name):
        raise SlackError("invalid_name_punctuation")
    if ws.channel_by_name(name) is not None:
        raise SlackError("name_taken")
    channel = ws.create_channel(name, bool_arg(args, "is_private"))
    return {"channel": channel.as_api()}


def _open_channel(ws: SlackWorkspace, args: dict[str, Any], allow_im: bool = False) -> SlackChannel:
    channel = ws.channel_by_id(text_arg(args, "channel"))
    if channel.is_im and not allow_im:
        raise SlackError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise SlackError("is_archived")
    return channel


def conversations_invite(ws: SlackWorkspace, args: dict[str, Any], config: SandboxConfig) -> dict[str, Any]:
    channel = _open_channel(ws, args)
    user_ids = [u.strip() for u in (text_arg(args, "users") or "").split(",") if u.strip()]
    if not user_ids:
        raise SlackError("no_user")
    if len(user_ids) > 1000:
        raise SlackError("too_many_users")
    problems: list[dict[str, Any]] = []
    for user_id in user_ids:
        if user_id == BOT_USER_ID:
            problems.append({"user": user_id, "ok": False, "error": "cant_invite_self"})
        elif user_id not in ws.users:
            problems.append({"user": user_id, "ok": False, "error": "user_not_found"})
        elif user_id in channel.members:
            problems.append({"user": user_id, "ok": False, "error": "already_in_channel"})
    # Like Slack: any failing user fails the whole call, unless force=true invites the valid ones.
    if problems and not bool_arg(args, "force"):
        raise SlackError(problems[0]["error"], errors=problems)
    failed = {p["user"] for p in problems}
    for user_id in user_ids:
        if user_id not in failed and user_id not in channel.members:
            channel.members.append(user_id)
    result: dict[str, Any] = {"channel": channel.as_api()}
    if problems:
        result["errors"] = problems
    return result


def conversations_set_topic(ws: SlackWorkspace, args: dict[str, Any], config: SandboxConfig) -> dict[str, Any]:
    channel = _open_channel(ws, args)
    topic = text_arg(args, "topic") or ""
    if len(topic) > MAX_TOPIC:
        raise SlackError("too_long")
    channel.topic = {"value": topic, "creator": BOT_USER_ID, "last_set": int(time.time())}
    return {"channel": channel.as_api()}


def conversations_info(ws: SlackWorkspace, args: dict[str, Any], config: SandboxConfig) -> dict[str, Any]:
    return {"channel": ws.channel_by_id(text_arg(args, "channel")).as_api()}


def conversations_archive(ws: SlackWorkspace, args: dict[str, Any], config: SandboxConfig) -> dict[str, Any]:
    channel = ws.channel_by_id(text_arg(args, "channel"))
    if channel.is_im:
        raise SlackError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise SlackError("already_archived")
    channel.is_archived = True
    return {}


def _decode_cursor(cursor: str, kind: str = "next_ts") -> float:
    """Cursors are opaque to callers: base64 of "<kind>:<position>" (Slack's own look the same)."""
    try:
        decoded = base64.b64decode(cursor.encode(), validate=True).decode()
        prefix, position = decoded.split(":", 1)
        if prefix != kind:
            raise ValueError(prefix)
        return float(position)
    except ValueError:
        raise SlackError("invalid_cursor")


CHANNEL_TYPES = {"public_channel", "private_channel", "mpim", "im"}


def _channel_type(channel: SlackChannel) -> str:
    if channel.is_im:
        return "im"
    return "private_channel" if channel.is_private else "public_channel"


def conversations_open(ws: SlackWorkspace, args: dict[str, Any], config: SandboxConfig) -> dict[str, Any]:
    """Opens (or finds) the bot's DM with one user; group DMs are not emulated."""
    channel_id = text_arg(args, "channel")
    if channel_id:
        channel = ws.channel_by_id(channel_id)
        if not channel.is_im:
            raise SlackError("method_not_supported_for_channel_type")
        return {"no_op": True, "already_open": True, "channel": {"id": channel.id}}
    users = [u.strip() for u in (text_arg(args, "users") or "").split(",") if u.strip()]
    if not users:
        raise SlackError("users_list_not_supplied")
    if len(users) > 1:
        raise SlackError("not_supported", response_metadata={"messages": ["[ERROR] the sandbox opens 1:1 DMs only"]})
    user_id = users[0]
    if user_id not in ws.users:
        raise SlackError("user_not_found")
    if ws.users[user_id].is_bot:
        raise SlackError("cannot_dm_bot")
    already = any(c.im_user == user_id for c in ws.channels.values())
    channel = ws.open_im(user_id)
    body = channel.as_api() if bool_arg(args, "return_im") else {"id": channel.id}
    return {"no_op": already, "already_open": already, "channel": body}


def conversations_list(ws: SlackWorkspace, args: dict[str, Any], config: SandboxConfig) -> dict[str, Any]:
    limit = min(max(int_arg(args, "limit", 100), 1), 1000)
    types = {t.strip() for t in (text_arg(args, "types") or "public_channel").split(",") if t.strip()}
    if not types <= CHANNEL_TYPES:
        raise SlackError("invalid_types")
    exclude_archived = bool_arg(args, "exclude_archived")
    cursor = text_arg(args, "cursor")
    start = int(_decode_cursor(cursor, "offset")) if cursor else 0
    matching = [
        c for c in ws.channels.values()
        if _channel_type(c) in types
        and not (exclude_archived and c.is_archived)
    ]
    chunk = matching[start:start + limit]
    following = start + limit
    next_cursor = base64.b64encode(f"offset:{following}".encode()).decode() if following < len(matching) else ""
    return {"channels": [c.as_api() for c in chunk], "response_metadata": {"next_cursor": next_cursor}}


def conversations_history(ws: SlackWorkspace, args: dict[str, Any], config: SandboxConfig) -> dict[str, Any]:
    channel = ws.channel_by_id(text_arg(args, "channel"))
    limit = min(max(int_arg(args, "limit", 100), 1), 999)
    inclusive = bool_arg(args, "inclusive")
    latest = float_arg(args, "latest", float("inf"))
    oldest = float_arg(args, "oldest", 0.0)
    cursor = text_arg(args, "cursor")
    start_at = _decode_cursor(cursor) if cursor else None
    with_metadata = bool_arg(args, "include_all_metadata")

    def in_window(ts: float) -> bool:
        upper = ts <= latest if inclusive else ts < latest
        lower = ts >= oldest if inclusive else ts > oldest
        return upper and lower and (start_at is None or ts <= start_at)

    newest_first = [m for m in reversed(channel.messages) if in_window(float(m.ts))]
    chunk, rest = newest_first[:limit], newest_first[limit:]
    next_cursor = base64.b64encode(f"next_ts:{rest[0].ts}".encode()).decode() if rest else ""
    return {
        "messages": [m.as_api(include_metadata=with_metadata) for m in chunk],
        "has_more": bool(rest),
        "pin_count": sum(1 for m in channel.messages if m.pinned),
        "response_metadata": {"next_cursor": next_cursor},
    }


def _metadata(args: dict[str, Any]) -> dict[str, Any] | None:
    metadata = json_arg(args, "metadata", "invalid_metadata_format")
    if metadata is None:
        return None
    if not (isinstance(metadata, dict) and isinstance(metadata.get("event_type"), str) and metadata["event_type"]
            and isinstance(metadata.get("event_payload", {}), dict)):
        raise SlackError("invalid_metadata_format")
    return {"event_type": metadata["event_type"], "event_payload": metadata.get("event_payload", {})}


def chat_post_message(ws: SlackWorkspace, args: dict[str, Any], config: SandboxConfig) -> dict[str, Any]:
    channel = ws.channel_by_ref(text_arg(args, "channel"))
    if channel.is_archived:
        raise SlackError("is_archived")
    text = text_arg(args, "text") or ""
    blocks = json_arg(args, "blocks", "invalid_blocks")
    if blocks is not None and (not isinstance(blocks, list) or not all(isinstance(b, dict) and b.get("type")
                                                                         for b in blocks)):
        raise SlackError("invalid_blocks")
    if blocks is not None and len(blocks) > MAX_BLOCKS:
        raise SlackError("invalid_blocks")
    if not text and not blocks:
        raise SlackError("no_text")
    if len(text) > MAX_TEXT:
        raise SlackError("msg_too_long")
    metadata = _metadata(args)
    thread_ts = text_arg(args, "thread_ts")
    if thread_ts and not any(m.ts == thread_ts for m in channel.messages):
        raise SlackError("thread_not_found")
    bucket = ws.channel_buckets.get(channel.id)
    if bucket is None:
        bucket = ws.channel_buckets[channel.id] = ws.new_channel_bucket(
            config.slack_channel_rate_per_s, config.slack_channel_burst
        )
    wait = bucket.take()
    if wait > 0:
        raise RateLimited(wait)
    message = ws.post(channel, SlackMessage(
        ts=ws.next_ts(), channel_id=channel.id, user=BOT_USER_ID, text=text, blocks=blocks or None,
        metadata=metadata, thread_ts=thread_ts,
    ))
    return {"channel": channel.id, "ts": message.ts, "message": message.as_api()}


def pins_add(ws: SlackWorkspace, args: dict[str, Any], config: SandboxConfig) -> dict[str, Any]:
    channel = _open_channel(ws, args, allow_im=True)
    timestamp = text_arg(args, "timestamp")
    message = next((m for m in channel.messages if m.ts == timestamp), None)
    if message is None:
        raise SlackError("message_not_found")
    if message.pinned:
        raise SlackError("already_pinned")
    message.pinned = True
    return {}


def users_lookup_by_email(ws: SlackWorkspace, args: dict[str, Any], config: SandboxConfig) -> dict[str, Any]:
    email = required_arg(args, "email")
    user = ws.user_by_email(email)
    if user is None and config.slack_auto_users and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email.strip()):
        user = ws.add_user(email.strip())
    if user is None:
        raise SlackError("users_not_found")
    return {"user": user.as_api()}


class RateLimited(Exception):
    """HTTP 429 with Retry-After and `{"ok": false, "error": "ratelimited"}`."""

    def __init__(self, wait_s: float) -> None:
        super().__init__("ratelimited")
        self.wait_s = wait_s


# Slack's published per-method tiers, in requests per minute per workspace; chat.postMessage is
# "special": paced per channel instead (see chat_post_message).
TIER_PER_MINUTE = {1: 1, 2: 20, 3: 50, 4: 100}
METHODS: dict[str, tuple[Method, int | None]] = {
    "auth.test": (auth_test, 4),
    "conversations.create": (conversations_create, 2),
    "conversations.invite": (conversations_invite, 3),
    "conversations.setTopic": (conversations_set_topic, 2),
    "conversations.info": (conversations_info, 3),
    "conversations.archive": (conversations_archive, 2),
    "conversations.list": (conversations_list, 2),
    "conversations.open": (conversations_open, 3),
    "conversations.history": (conversations_history, 3),
    "chat.postMessage": (chat_post_message, None),
    "pins.add": (pins_add, 2),
    "users.lookupByEmail": (users_lookup_by_email, 3),
}
