"""Whether a user token still counts: its user exists, is active, and the token is of the user's
current token version (projects-api bumps it on logout, password or role change, deactivation).

Tokens are stateless JWTs valid for hours; without this check a deactivated, demoted or logged-out
user would keep their access until the token expires. projects-api reads the user row; the other
services ask projects-api (`POST /v1/auth/introspect`, `RemoteUserStatus`). Both remember each
answer for at most `TTL_S` seconds, so a change takes effect everywhere within that time.
"""

from __future__ import annotations

import asyncio
import functools
import time
import uuid
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import httpx

from anken_common.auth_tokens import Role, issue_service_token
from anken_common.logging import get_logger
from anken_common.problems import ProblemError, Unauthorized

log = get_logger("anken.user_status")

TTL_S = 5.0

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


@dataclass(frozen=True)
class UserStatus:
    active: bool
    role: Role | None
    version: int


def current_role(status: UserStatus | None, token_version: int) -> Role:
    """The role a user token grants now (the user's current one), or 401 when it no longer counts."""
    if status is None or not status.active or status.role is None:
        raise Unauthorized("this user is deactivated or no longer exists")
    if status.version != token_version:
        raise Unauthorized("this session has ended (logout, password or role change); log in again")
    return status.role


class TtlCache(Generic[K, V]):
    """Answers remembered for `ttl_s` seconds per key (counted from when the lookup started);
    concurrent misses of one key share one lookup. A failed lookup is not remembered."""

    def __init__(self, ttl_s: float = TTL_S, max_entries: int = 10_000,
                 ttl_of: Callable[[V], float] | None = None) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self.ttl_of = ttl_of  # a shorter life for some answers (at most ttl_s)
        self._entries: dict[K, tuple[float, V]] = {}
        self._loading: dict[K, asyncio.Future[V]] = {}

    async def get(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        hit = self._entries.get(key)
        if hit is not None and hit[0] > time.monotonic():
            return hit[1]
        pending = self._loading.get(key)
        if pending is None:
            pending = asyncio.ensure_future(self._load(key, load))
            self._loading[key] = pending
            pending.add_done_callback(functools.partial(self._settled, key))
        # Shielded: a caller that goes away does not cancel the lookup the others wait for.
        return await asyncio.shield(pending)

    async def _load(self, key: K, load: Callable[[], Awaitable[V]]) -> V:
        started = time.monotonic()
        value = await load()
        if len(self._entries) >= self.max_entries:
            self._entries.clear()
        ttl = self.ttl_s if self.ttl_of is None else min(self.ttl_s, self.ttl_of(value))
        self._entries[key] = (started + ttl, value)
        return value

    def _settled(self, key: K, done: asyncio.Future[V]) -> None:
        self._loading.pop(key, None)
        if not done.cancelled():
            done.exception()  # retrieved, so a failure nobody awaited any more is not logged as lost

    def forget(self, key: K) -> None:
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()


class RemoteUserStatus:
    """User tokens checked at projects-api, for reporting-api and the worker.

    One answer per user and token version is remembered for at most TTL_S seconds; the HTTP client
    (`client`, based at projects-api) is the caller's long-lived one.
    """

    def __init__(self, client: httpx.AsyncClient, secret: str, service: str, ttl_s: float = TTL_S) -> None:
        self.client = client
        self.secret = secret
        self.service = service
        self.cache: TtlCache[tuple[uuid.UUID, int], UserStatus | None] = TtlCache(ttl_s)

    async def role_for(self, token: str, user_id: uuid.UUID, token_version: int) -> Role:
        """The role a verified user token grants now; 401 when it no longer counts, 503 when
        projects-api cannot tell (never a guess)."""
        status = await self.cache.get((user_id, token_version), lambda: self._introspect(token, user_id))
        return current_role(status, token_version)

    async def _introspect(self, token: str, user_id: uuid.UUID) -> UserStatus | None:
        answer = await introspect(self.client, self.secret, self.service, token, what="the session")
        return status_from_introspection(answer, user_id)


async def introspect(client: httpx.AsyncClient, secret: str, service: str, token: str, *, what: str) -> dict[str, Any]:
    """projects-api's answer about a user token or an API key (`POST /v1/auth/introspect`, with a service
    token); 503 with Retry-After when projects-api cannot say, so a caller is never let in on a guess."""
    service_token = issue_service_token(secret, service)
    try:
        response = await client.post("/v1/auth/introspect", json={"token": token},
                                     headers={"Authorization": f"Bearer {service_token}"})
    except httpx.HTTPError as exc:
        log.warning("introspection_unreachable", what=what, error=str(exc)[:200])
        raise ProblemError(503, detail=f"cannot verify {what} right now (projects-api unreachable)",
                           headers={"Retry-After": "5"}) from None
    if response.status_code != 200:
        log.warning("introspection_failed", what=what, status=response.status_code)
        raise ProblemError(503, detail=f"cannot verify {what} right now", headers={"Retry-After": "5"})
    data: dict[str, Any] = response.json()
    return data


def status_from_introspection(data: dict[str, Any], user_id: uuid.UUID) -> UserStatus | None:
    """The status an introspection answer gives a user token; None when it is not active."""
    if not data.get("active") or data.get("kind") != "user" or str(data.get("id")) != str(user_id):
        return None
    try:
        return UserStatus(active=True, role=Role(data["role"]), version=int(data["ver"]))
    except (KeyError, ValueError, TypeError):
        return None
