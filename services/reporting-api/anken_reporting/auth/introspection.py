"""Bearer tokens reporting-api cannot judge alone are checked at projects-api
(`POST /v1/auth/introspect`), through one HTTP client this process keeps open:

- partner API keys: a key of the wrong shape is refused without any round trip; answers are
  cached (`introspection_cache_s`, never past the key's expiry; unknown keys for
  `introspection_negative_cache_s`), so a revoked key stops working within that time;
- user tokens: whether the user is still active at the token's version, and their current role
  (anken_common.user_status, at most 5 s old).
"""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from anken_common.auth_tokens import Role, api_key_prefix
from anken_common.logging import get_logger
from anken_common.problems import Unauthorized
from anken_common.request_context import service_http_client
from anken_common.user_status import RemoteUserStatus, TtlCache, introspect
from anken_reporting.auth.principal import Principal
from anken_reporting.settings import ReportingSettings

log = get_logger("anken.reporting.auth")
SERVICE_NAME = "reporting-api"


class IntrospectionCache:
    def __init__(self, settings: ReportingSettings, max_entries: int = 10_000) -> None:
        self.settings = settings
        self._keys: TtlCache[str, _KeyAnswer] = TtlCache(
            max(settings.introspection_cache_s, settings.introspection_negative_cache_s), max_entries,
            ttl_of=lambda answer: answer.ttl_s)
        self._client: httpx.AsyncClient | None = None
        self._users: RemoteUserStatus | None = None
        self.calls = 0  # introspections sent (what tests count)

    @property
    def client(self) -> httpx.AsyncClient:
        # Made on first use, inside the event loop, and kept: no client (and no TLS handshake) per request.
        if self._client is None:
            self._client = service_http_client(self.settings.projects_api_url, timeout=5.0)
        return self._client

    @property
    def users(self) -> RemoteUserStatus:
        if self._users is None:
            self._users = RemoteUserStatus(self.client, self.settings.anken_secret_key, SERVICE_NAME)
        return self._users

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
            self._users = None

    async def principal_for(self, api_key: str) -> Principal:
        if api_key_prefix(api_key) is None:
            raise Unauthorized("API key is malformed")
        # Keys are cached by digest so secrets never sit in memory longer than the request.
        digest = hashlib.sha256(api_key.encode()).hexdigest()
        principal = (await self._keys.get(digest, lambda: self._introspect_key(api_key))).principal
        if principal is None:
            raise Unauthorized("API key is invalid, expired or revoked")
        return principal

    async def user_role(self, token: str, user_id: uuid.UUID, token_version: int) -> Role:
        return await self.users.role_for(token, user_id, token_version)

    async def _introspect_key(self, api_key: str) -> _KeyAnswer:
        self.calls += 1
        data = await introspect(self.client, self.settings.anken_secret_key, SERVICE_NAME, api_key,
                                what="the API key")
        principal = principal_from_introspection(data)
        # Remembered no longer than the answer holds: unknown keys briefly, a key never past its expiry.
        ttl = self.settings.introspection_negative_cache_s if principal is None else self.settings.introspection_cache_s
        if isinstance(data.get("exp"), int):
            ttl = min(ttl, max(0.0, data["exp"] - time.time()))
        return _KeyAnswer(principal, ttl)


@dataclass(frozen=True)
class _KeyAnswer:
    principal: Principal | None
    ttl_s: float


def principal_from_introspection(data: dict[str, Any]) -> Principal | None:
    """The principal an introspection answer describes, or None when the token is not active."""
    if not data.get("active"):
        return None
    kind = data.get("kind") or "api_key"
    client_id = data.get("client_id")
    role = data.get("role")
    return Principal(
        kind="api_key" if kind in ("api_key", "partner") else kind,
        id=data.get("id") or "",
        role=Role(role) if isinstance(role, str) and role in Role.__members__ else None,
        client_id=uuid.UUID(str(client_id)) if client_id else None,
        scopes=frozenset(data.get("scopes") or ()),
    )
