"""The emulated Slack workspace: users, channels, messages, pins, tokens and its rate limiters."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from anken_sandbox.field_values import field_values
from anken_sandbox.rate_limits import SlidingWindow, TokenBucket
from anken_sandbox.sequence import Sequence

TEAM_ID = "T0SANDBOX"
TEAM_NAME = "Anken Sandbox"
BOT_USER_ID = "U0ANKENBOT"
BOT_ID = "B0ANKENBOT"
DEMO_USERS = (
    ("admin@demo.anken.jp", "admin", "管理者 太郎"),
    ("director@demo.anken.jp", "director", "ディレクター 花子"),
    ("manager@demo.anken.jp", "manager", "マネージャー 一郎"),
    ("member1@demo.anken.jp", "member1", "メンバー 次郎"),
)


class SlackError(Exception):
    """An `{"ok": false, "error": code}` answer (HTTP 200, as Slack does)."""

    def __init__(self, code: str, **extra: Any) -> None:
        super().__init__(code)
        self.code = code
        self.extra = extra


@dataclass
class SlackUser:
    id: str
    name: str
    real_name: str
    email: str | None
    is_bot: bool = False

    def as_api(self) -> dict[str, Any]:
        return {
            "id": self.id, "team_id": TEAM_ID, "name": self.name, "real_name": self.real_name, "deleted": False,
            "is_bot": self.is_bot,
            "profile": {"email": self.email, "real_name": self.real_name, "display_name": self.name},
        }


@dataclass
class SlackMessage:
    ts: str
    channel_id: str
    user: str
    text: str
    blocks: list[dict[str, Any]] | None = None
    metadata: dict[str, Any] | None = None
    thread_ts: str | None = None
    pinned: bool = False

    def as_api(self, include_metadata: bool = True) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": "message", "user": self.user, "bot_id": BOT_ID if self.user == BOT_USER_ID else None,
            "text": self.text, "ts": self.ts, "team": TEAM_ID,
        }
        if self.blocks:
            body["blocks"] = self.blocks
        if self.thread_ts:
            body["thread_ts"] = self.thread_ts
        if self.pinned:
            body["pinned_to"] = [self.channel_id]
        if include_metadata and self.metadata:
            body["metadata"] = self.metadata
        return body


@dataclass
class SlackChannel:
    id: str
    name: str
    is_private: bool
    created: int
    creator: str
    is_archived: bool = False
    topic: dict[str, Any] = field(default_factory=lambda: {"value": "", "creator": "", "last_set": 0})
    purpose: dict[str, Any] = field(default_factory=lambda: {"value": "", "creator": "", "last_set": 0})
    members: list[str] = field(default_factory=list)
    messages: list[SlackMessage] = field(default_factory=list)  # oldest first
    im_user: str | None = None  # set for a direct-message conversation between the bot and this user

    @property
    def is_im(self) -> bool:
        return self.im_user is not None

    def as_api(self) -> dict[str, Any]:
        if self.is_im:
            return {"id": self.id, "created": self.created, "is_im": True, "is_channel": False, "is_group": False,
                    "is_private": True, "is_archived": False, "user": self.im_user, "is_open": True}
        return {
            "id": self.id, "name": self.name, "name_normalized": self.name, "is_channel": not self.is_private,
            "is_group": False, "is_im": False, "is_private": self.is_private, "is_general": False,
            "created": self.created, "creator": self.creator, "is_archived": self.is_archived,
            "is_member": BOT_USER_ID in self.members, "topic": dict(self.topic), "purpose": dict(self.purpose),
            "num_members": len(self.members),
        }


class SlackWorkspace:
    def __init__(self) -> None:
        self.channels: dict[str, SlackChannel] = {}
        self.users: dict[str, SlackUser] = {}
        self.revoked_tokens: set[str] = set()
        self.messages: list[SlackMessage] = []  # every message in the order it was posted
        self.channel_buckets: dict[str, TokenBucket] = {}
        self.method_windows: dict[tuple[str, str], SlidingWindow] = {}
        self.ratelimited = 0
        self._channel_ids = Sequence(1)
        self._user_ids = Sequence(1)
        self._last_ts_us = 0
        self.users[BOT_USER_ID] = SlackUser(BOT_USER_ID, "anken", "Anken", None, is_bot=True)
        for email, name, real_name in DEMO_USERS:
            self.add_user(email, name, real_name)

    def add_user(self, email: str, name: str | None = None, real_name: str | None = None) -> SlackUser:
        existing = self.user_by_email(email)
        if existing is not None:
            return existing
        local = email.split("@", 1)[0]
        user = SlackUser(f"U{next(self._user_ids):08d}", name or local, real_name or local, email.lower())
        self.users[user.id] = user
        return user

    def user_by_email(self, email: str) -> SlackUser | None:
        wanted = email.strip().lower()
        return next((u for u in self.users.values() if u.email == wanted), None)

    def next_ts(self) -> str:
        """Message timestamps are unique per workspace and strictly increasing, like Slack's."""
        us = max(self._last_ts_us + 1, int(time.time() * 1_000_000))
        self._last_ts_us = us
        return f"{us // 1_000_000}.{us % 1_000_000:06d}"

    def channel_by_name(self, name: str) -> SlackChannel | None:
        wanted = name.lower()
        return next((c for c in self.channels.values() if wanted and c.name == wanted), None)

    def channel_by_id(self, channel_id: str | None) -> SlackChannel:
        if not channel_id or channel_id not in self.channels:
            raise SlackError("channel_not_found")
        return self.channels[channel_id]

    def channel_by_ref(self, ref: str | None) -> SlackChannel:
        """chat.postMessage accepts an id, a name or #name, or a user id (the bot's DM with that user)."""
        if not ref:
            raise SlackError("channel_not_found")
        if ref in self.channels:
            return self.channels[ref]
        if ref in self.users and ref != BOT_USER_ID:
            return self.open_im(ref)
        channel = self.channel_by_name(ref.removeprefix("#"))
        if channel is None:
            raise SlackError("channel_not_found")
        return channel

    def create_channel(self, name: str, is_private: bool) -> SlackChannel:
        channel = SlackChannel(
            id=f"C{next(self._channel_ids):08d}", name=name, is_private=is_private, created=int(time.time()),
            creator=BOT_USER_ID, members=[BOT_USER_ID],
        )
        self.channels[channel.id] = channel
        return channel

    def open_im(self, user_id: str) -> SlackChannel:
        """The bot's direct-message conversation with a user, opened once."""
        existing = next((c for c in self.channels.values() if c.im_user == user_id), None)
        if existing is not None:
            return existing
        channel = SlackChannel(
            id=f"D{next(self._channel_ids):08d}", name="", is_private=True, created=int(time.time()),
            creator=BOT_USER_ID, members=[BOT_USER_ID, user_id], im_user=user_id,
        )
        self.channels[channel.id] = channel
        return channel

    def channel_label(self, channel: SlackChannel) -> str:
        """A readable name for the viewer; DMs have none in Slack, so they show as @user."""
        if channel.is_im:
            user = self.users.get(channel.im_user or "")
            return f"@{user.name if user else channel.im_user}"
        return channel.name

    def new_channel_bucket(self, rate_per_s: float, burst: int) -> TokenBucket:
        return TokenBucket(rate_per_s, burst)

    def post(self, channel: SlackChannel, message: SlackMessage) -> SlackMessage:
        channel.messages.append(message)
        self.messages.append(message)
        return message

    # saved state (SANDBOX_STATE_FILE): rate limiters and counters of rejected calls are not kept ---------------
    def to_dict(self) -> dict[str, Any]:
        """Everything a restart must keep, as JSON values; each message once, in posting order."""
        return {
            "users": [field_values(u) for u in self.users.values()],
            "channels": [
                {"id": c.id, "name": c.name, "is_private": c.is_private, "created": c.created, "creator": c.creator,
                 "is_archived": c.is_archived, "topic": dict(c.topic), "purpose": dict(c.purpose),
                 "members": list(c.members), "im_user": c.im_user}
                for c in self.channels.values()
            ],
            "messages": [field_values(m) for m in self.messages],
            "revoked_tokens": sorted(self.revoked_tokens),
            "next_channel_id": self._channel_ids.next_value,
            "next_user_id": self._user_ids.next_value,
            "last_ts_us": self._last_ts_us,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SlackWorkspace:
        ws = cls()
        ws.users = {u["id"]: SlackUser(**u) for u in data["users"]}
        ws.channels = {c["id"]: SlackChannel(**c) for c in data["channels"]}
        for fields in data["messages"]:
            # channel_by_id: a message of a channel the file does not hold is a corrupt file
            ws.post(ws.channel_by_id(fields["channel_id"]), SlackMessage(**fields))
        ws.revoked_tokens = set(data["revoked_tokens"])
        ws._channel_ids = Sequence(int(data["next_channel_id"]))
        ws._user_ids = Sequence(int(data["next_user_id"]))
        ws._last_ts_us = int(data["last_ts_us"])
        return ws
