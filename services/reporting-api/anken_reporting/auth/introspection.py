"""Partner API keys are checked by projects-api (`POST /v1/auth/introspect`); answers are cached.

The cache keeps a hot partner dashboard from calling projects-api on every request; a revoked
key stops working within `introspection_cache_s`.
"""

from __future__ import annotations

import hashlib
import time
import uuid
from dataclasses import dataclass

import httpx

from anken_common.auth_tokens import Role, issue_service_token
from anken_common.logging import get_logger
from anken_common.problems import ProblemError, Unauthorized
from anken_common.request_context import service_http_client
from anken_reporting.auth.principal import Principal
from anken_reporting.settings import ReportingSettings

log = get_logger("anken.reporting.auth")


@dataclass
class _Entry:
    expires: float
    principal: Principal | None


class IntrospectionCache:
    def __init__(self, settings: ReportingSettings, max_entries: int = 10_000) -> None:
        self.settings = settings
        self.max_entries = max_entries
        self._entries: dict[str, _Entry] = {}

    async def principal_for(self, api_key: str) -> Principal:
        # Keys are cached by digest so secrets never sit in memory longer than the request.
        digest = hashlib.sha256(api_key.encode()).hexdigest()
        now = time.monotonic()
        entry = self._entries.get(digest)
        if entry is None or entry.expires < now:
            entry = _Entry(now + self.settings.introspection_cache_s, await self._introspect(api_key))
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[digest] = entry
        if entry.principal is None:
            raise Unauthorized("API key is invalid or revoked")
        return entry.principal

    async def _introspect(self, api_key: str) -> Principal | None:
        token = issue_service_token(self.settings.anken_secret_key, "reporting-api")
        try:
            async with service_http_client(self.settings.projects_api_url, timeout=5.0) as client:
                response = await client.post(
                    "/v1/auth/introspect", json={"token": api_key}, headers={"Authorization": f"Bearer {token}"}
                )
        except httpx.HTTPError as exc:
            log.warning("introspection_unreachable", error=str(exc)[:200])
            raise ProblemError(503, detail="cannot verify the API key right now (projects-api unreachable)",
                               headers={"Retry-After": "5"}) from None
        if response.status_code != 200:
            log.warning("introspection_failed", status=response.status_code)
            raise ProblemError(503, detail="cannot verify the API key right now", headers={"Retry-After": "5"})
        return principal_from_introspection(response.json())


def principal_from_introspection(data: dict) -> Principal | None:
    """The principal an introspection answer describes, or None when the token is not active."""
    if not data.get("active"):
        return None
    kind = data.get("kind") or "api_key"
    client_id = data.get("client_id")
    role = data.get("role")
    return Principal(
        kind="api_key" if kind in ("api_key", "partner") else kind,
        id=data.get("id") or "",
        role=Role(role) if role in Role.__members__ else None,
        client_id=uuid.UUID(str(client_id)) if client_id else None,
        scopes=frozenset(data.get("scopes") or ()),
    )
