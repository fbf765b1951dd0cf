"""Which account and base URL each integration uses for a client or project.

Settings stored for the project or its client (real credentials) win; without them, sandbox
mode uses the environment's defaults, which point at the local sandbox. Outside sandbox mode
an unconfigured integration is skipped, not failed.

The environment's credentials go only to the environment's own base URLs or the vendor's defaults:
a row that names a host of its own without a secret of its own (the API refuses to save one; an
older row may hold it) fails permanently instead of lending the deployment's token to that host.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncConnection

from anken_worker.adapters.confluence.client import ConfluenceClient
from anken_worker.adapters.errors import PermanentError, SkipDelivery
from anken_worker.adapters.sheets.client import SheetsClient
from anken_worker.adapters.sheets.service_account import ServiceAccount, TokenSource
from anken_worker.adapters.slack.client import METHOD_TIERS_PER_MIN, SlackClient
from anken_worker.connectors import stored as settings_repo
from anken_worker.connectors.secret_hosts import (
    REAL_DRIVE_URL,
    REAL_GOOGLE_TOKEN_URL,
    REAL_SHEETS_URL,
    REAL_SLACK_URL,
    custom_host_fields,
)
from anken_worker.deliveries.pacing import take_minute_budget
from anken_worker.kit.secret_box import SecretBox
from anken_worker.settings import WorkerSettings

__all__ = ["REAL_DRIVE_URL", "REAL_GOOGLE_TOKEN_URL", "REAL_SHEETS_URL", "REAL_SLACK_URL", "Connection", "Connectors"]


class ConnectorContext(Protocol):
    """What connectors need from the process (anken_worker.context.WorkerContext)."""

    settings: WorkerSettings
    box: SecretBox
    http: httpx.AsyncClient
    redis: Redis

    def key(self, *parts: str) -> str: ...


@dataclass
class Connection:
    client: Any
    config: dict[str, Any]


class Connectors:
    def __init__(self, ctx: ConnectorContext) -> None:
        self.ctx = ctx
        self._token_sources: dict[tuple[str, str], TokenSource] = {}
        self._sandbox_account: ServiceAccount | None = None

    async def _stored(self, conn: AsyncConnection, integration: str, client_id: uuid.UUID | None, project_id: uuid.UUID | None) -> tuple[dict[str, Any], str | None]:
        return self._unsealed(integration, await settings_repo.effective(conn, integration, client_id, project_id))

    def _unsealed(self, integration: str, row: dict[str, Any] | None) -> tuple[dict[str, Any], str | None]:
        if row is None:
            if not self.ctx.settings.anken_sandbox:
                raise SkipDelivery(f"{integration} is not configured for this client or project")
            return {}, None
        secret = self.ctx.box.open(row["secret_encrypted"]) if row.get("secret_encrypted") else None
        return dict(row["config"] or {}), secret

    def _environment_credentials_for(self, integration: str, config: dict[str, Any]) -> None:
        """Refuse to send the deployment's credentials to a host the settings row chose."""
        custom = custom_host_fields(integration, config, self.ctx.settings)
        if custom:
            raise PermanentError(f"{integration} settings name their own host (config.{custom[0]}) without their own "
                                 "credentials; the deployment's credentials are not sent there: enter a secret")

    async def slack(self, conn: AsyncConnection, client_id: uuid.UUID | None, project_id: uuid.UUID | None) -> Connection:
        return self._slack(*await self._stored(conn, "slack", client_id, project_id))

    async def slack_many(self, conn: AsyncConnection,
                         scopes: list[tuple[uuid.UUID | None, uuid.UUID | None]]) -> list[Connection | Exception]:
        """`slack` for many (client id, project id) scopes with one query; where `slack` would raise (not
        configured, a secret that cannot be opened), the answer is that exception, for its caller to raise."""
        answers: list[Connection | Exception] = []
        for row in await settings_repo.effective_many(conn, "slack", scopes):
            try:
                answers.append(self._slack(*self._unsealed("slack", row)))
            except Exception as exc:
                answers.append(exc)
        return answers

    def _slack(self, config: dict[str, Any], token: str | None) -> Connection:
        s = self.ctx.settings
        if token is None:
            self._environment_credentials_for("slack", config)
        base = config.get("api_url") or (REAL_SLACK_URL if token else s.slack_api_url)
        token = token or s.slack_bot_token
        return Connection(SlackClient(self.ctx.http, base, token, self._slack_tier_pacer(token)), config)

    def _slack_tier_pacer(self, token: str) -> Callable[[str], Awaitable[None]]:
        """Keep each Slack method within its tier, per workspace (token), before Slack has to say 429."""
        workspace = hashlib.sha256(token.encode()).hexdigest()[:16]

        async def before_call(method: str) -> None:
            limit = METHOD_TIERS_PER_MIN.get(method)
            if limit:
                await take_minute_budget(self.ctx.redis, self.ctx.key("quota", "slack", workspace, method), limit)

        return before_call

    async def confluence(self, conn: AsyncConnection, client_id: uuid.UUID | None, project_id: uuid.UUID | None) -> Connection:
        config, token = await self._stored(conn, "confluence", client_id, project_id)
        s = self.ctx.settings
        if token is None:
            self._environment_credentials_for("confluence", config)
        base = config.get("api_url") or (
            f"https://{config['site']}/wiki/api/v2/" if token and config.get("site") else s.confluence_api_url
        )
        client = ConfluenceClient(self.ctx.http, base, config.get("email") or s.confluence_email,
                                  token or s.confluence_api_token, str(config.get("space_id") or s.confluence_space_id))
        return Connection(client, config)

    async def sheets(self, conn: AsyncConnection, client_id: uuid.UUID | None, project_id: uuid.UUID | None) -> Connection:
        config, key_json = await self._stored(conn, "sheets", client_id, project_id)
        s = self.ctx.settings
        if key_json:
            account = ServiceAccount.from_json(key_json)
            base = config.get("api_url") or REAL_SHEETS_URL
            drive = config.get("drive_api_url") or REAL_DRIVE_URL
            token_url = config.get("token_url") or REAL_GOOGLE_TOKEN_URL
        else:
            self._environment_credentials_for("sheets", config)
            if s.google_service_account_file:
                account = ServiceAccount.from_file(s.google_service_account_file)
            else:
                self._sandbox_account = self._sandbox_account or ServiceAccount.ephemeral()
                account = self._sandbox_account
            base = config.get("api_url") or s.sheets_api_url
            drive = config.get("drive_api_url") or s.drive_api_url
            token_url = config.get("token_url") or s.google_token_url
        cache_key = (token_url, account.client_email)
        tokens = self._token_sources.get(cache_key)
        if tokens is None or tokens.account != account:
            tokens = self._token_sources[cache_key] = TokenSource(self.ctx.http, token_url, account)
        return Connection(SheetsClient(self.ctx.http, base, tokens, drive), config)
