"""Slack Web API over httpx (the documented envelope: HTTP 200 with {"ok": false, "error": ...},
429 with Retry-After). Works against real Slack and the sandbox; only the base URL differs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import lru_cache
from typing import Any, cast

import httpx
import msgspec

from anken_worker.adapters.errors import IntegrationBroken, PermanentError, TransientError, excerpt
from anken_worker.adapters.http_errors import raise_for_status, send

# Errors after which no retry can succeed until a person reconnects or unarchives.
BROKEN_ERRORS = frozenset({
    "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "no_permission",
    "missing_scope", "is_archived", "channel_not_found", "team_access_not_granted", "ekm_access_denied",
})
TRANSIENT_ERRORS = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"})
METADATA_EVENT_TYPE = "anken_delivery"
# Slack's per-method rate tiers (requests per minute per workspace) for the methods used here;
# chat.postMessage is paced per channel instead (about one message per second).
METHOD_TIERS_PER_MIN = {
    "conversations.create": 20, "conversations.setTopic": 20, "pins.add": 20, "conversations.list": 20,
    "conversations.invite": 50, "conversations.open": 50, "conversations.history": 50, "users.lookupByEmail": 100,
}


_JSON = msgspec.json.Encoder()  # the arguments are JSON values already (text, blocks, ids); UTF-8 as Slack reads it


@lru_cache(maxsize=512)
def _method_url(base_url: str, method: str) -> httpx.URL:
    # Parsed once: httpx parses (and percent-quotes) a URL given as a string on every request.
    return httpx.URL(base_url + method)


class SlackApiError(PermanentError):
    """Slack answered ok=false with an error code the caller may want to handle (e.g. name_taken)."""

    def __init__(self, method: str, error: str, body: str) -> None:
        super().__init__(f"slack {method}: {error}", excerpt=body)
        self.error = error


class SlackClient:
    def __init__(self, http: httpx.AsyncClient, base_url: str, token: str,
                 before_call: Callable[[str], Awaitable[None]] | None = None) -> None:
        self.http = http
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.token = token
        self.before_call = before_call

    async def call(self, method: str, **params: Any) -> dict[str, Any]:
        if self.before_call is not None:
            await self.before_call(method)
        body = {k: v for k, v in params.items() if v is not None}
        response = await send(
            self.http, "POST", _method_url(self.base_url, method), f"slack {method}", content=_JSON.encode(body),
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json; charset=utf-8"},
        )
        raise_for_status(response, f"slack {method}", broken_statuses=set())
        try:
            data = response.json()
        except ValueError as exc:
            raise TransientError(f"slack {method}: not JSON", excerpt=excerpt(response.text)) from exc
        if data.get("ok"):
            return cast("dict[str, Any]", data)
        error = str(data.get("error") or "unknown_error")
        text = excerpt(response.text)
        if error in TRANSIENT_ERRORS:
            raise TransientError(f"slack {method}: {error}", excerpt=text)
        if error in BROKEN_ERRORS:
            raise IntegrationBroken(f"slack {method}: {error}", excerpt=text)
        raise SlackApiError(method, error, text)

    async def create_channel(self, name: str) -> dict[str, Any]:
        return cast("dict[str, Any]", (await self.call("conversations.create", name=name, is_private=False))["channel"])

    async def find_channel(self, name: str) -> dict[str, Any] | None:
        cursor = None
        for _ in range(50):
            data = await self.call("conversations.list", limit=1000, cursor=cursor,
                                   exclude_archived=False, types="public_channel,private_channel")
            for channel in data.get("channels", []):
                if channel.get("name") == name:
                    return cast("dict[str, Any] | None", channel)
            cursor = (data.get("response_metadata") or {}).get("next_cursor")
            if not cursor:
                return None
        return None

    async def invite(self, channel: str, user_ids: list[str]) -> None:
        # force=true invites the valid users even when some are already members.
        try:
            await self.call("conversations.invite", channel=channel, users=",".join(user_ids), force=True)
        except SlackApiError as exc:
            # Re-inviting people who are already there is success for us.
            if exc.error not in ("already_in_channel", "cant_invite_self"):
                raise

    async def set_topic(self, channel: str, topic: str) -> None:
        await self.call("conversations.setTopic", channel=channel, topic=topic)

    async def pin(self, channel: str, ts: str) -> None:
        try:
            await self.call("pins.add", channel=channel, timestamp=ts)
        except SlackApiError as exc:
            if exc.error != "already_pinned":
                raise

    async def lookup_user_by_email(self, email: str) -> str | None:
        try:
            return cast("str | None", (await self.call("users.lookupByEmail", email=email))["user"]["id"])
        except SlackApiError as exc:
            if exc.error == "users_not_found":
                return None
            raise

    async def open_direct_message(self, user_id: str) -> str:
        """The DM channel with a user (conversations.open); the user id itself where the method is unavailable."""
        try:
            return cast("str", (await self.call("conversations.open", users=user_id))["channel"]["id"])
        except SlackApiError as exc:
            if exc.error in ("unknown_method", "method_not_supported_for_channel_type", "not_allowed_token_type"):
                return user_id
            raise

    async def post_message(self, channel: str, text: str, blocks: list[Any] | None, delivery_key: str) -> dict[str, Any]:
        """Post with message metadata carrying the delivery key, so the post can be found again."""
        return await self.call(
            "chat.postMessage", channel=channel, text=text, blocks=blocks, unfurl_links=False,
            metadata={"event_type": METADATA_EVENT_TYPE, "event_payload": {"delivery_key": delivery_key}},
        )

    async def find_posted(self, channel: str, delivery_key: str, oldest: float) -> dict[str, Any] | None:
        """Our own earlier message for this delivery key (conversations.history with metadata), or None."""
        cursor = None
        for _ in range(20):
            data = await self.call("conversations.history", channel=channel, oldest=f"{oldest:.6f}", limit=200,
                                   include_all_metadata=True, cursor=cursor)
            for message in data.get("messages", []):
                metadata = message.get("metadata") or {}
                if (metadata.get("event_payload") or {}).get("delivery_key") == delivery_key:
                    return cast("dict[str, Any] | None", message)
            cursor = (data.get("response_metadata") or {}).get("next_cursor")
            if not cursor or not data.get("has_more", True):
                return None
        return None
