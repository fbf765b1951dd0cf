"""What jobs, the event consumer and the API share inside one worker process."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from arq.connections import ArqRedis
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from anken_common.auth_tokens import issue_service_token
from anken_common.request_context import service_http_client
from anken_worker.adapters.http_pool import HostLimitedTransport, OutboundClient
from anken_worker.connectors import Connectors
from anken_worker.deliveries.claims import ClaimBatcher
from anken_worker.deliveries.pacing import Pacer
from anken_worker.kit.coalescer import Coalescer
from anken_worker.kit.secret_box import SecretBox
from anken_worker.settings import WorkerSettings


@dataclass
class WorkerContext:
    settings: WorkerSettings
    engine: AsyncEngine
    redis: Redis
    http: httpx.AsyncClient
    box: SecretBox
    reporting: httpx.AsyncClient
    projects: httpx.AsyncClient
    connectors: Connectors = field(init=False)
    # The same pool without BEGIN/ROLLBACK around each statement: for single-statement reads and
    # writes on the delivery hot path (each is atomic on its own; a transaction would add two round trips).
    autocommit: AsyncEngine = field(init=False)
    # The drains' claims and Slack pacing, sent to PostgreSQL and Redis in batches (kit.coalescer).
    claims: ClaimBatcher = field(init=False)
    pacer: Pacer = field(init=False)
    batchers: dict[str, Coalescer[Any, Any]] = field(default_factory=dict)
    arq: ArqRedis | None = None  # the arq pool once the worker runs
    # Integration scopes known to be unhealthy (see deliveries.health.on_healthy).
    unhealthy_scopes: set[tuple[str, str]] = field(default_factory=set)
    unhealthy_read_at: float = float("-inf")

    def __post_init__(self) -> None:
        self.connectors = Connectors(self)
        self.autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self.claims = ClaimBatcher(self.autocommit)
        self.pacer = Pacer(self.redis)

    @classmethod
    def create(cls, settings: WorkerSettings, engine: AsyncEngine, redis: Redis) -> WorkerContext:
        timeout = httpx.Timeout(settings.http_timeout_s, connect=5.0)
        # httpx over aiohttp's pool, bounded per host: see adapters.http_pool (each delivery is an HTTP
        # call, and this pool costs less CPU per call: bench/README.md).
        http = OutboundClient(timeout=timeout, transport=HostLimitedTransport(
            settings.http_in_flight_per_host, policy=settings.outbound_policy))
        return cls(
            settings=settings, engine=engine, redis=redis, http=http, box=SecretBox(settings.fernet_key),
            reporting=service_http_client(settings.reporting_api_url, timeout=settings.http_timeout_s),
            projects=service_http_client(settings.projects_api_url, timeout=settings.http_timeout_s),
        )

    def service_headers(self) -> dict[str, str]:
        token = issue_service_token(self.settings.anken_secret_key, "integrations-worker")
        return {"Authorization": f"Bearer {token}"}

    def batcher(self, name: str, run: Callable[[list[Any]], Awaitable[Sequence[Any]]]) -> Coalescer[Any, Any]:
        """This process's Coalescer called `name` (made with `run` on first use): see kit.coalescer."""
        found = self.batchers.get(name)
        if found is None:
            found = self.batchers[name] = Coalescer(run)
        return found

    def key(self, *parts: str) -> str:
        return self.settings.redis_key(*parts)

    async def close(self) -> None:
        for client in (self.http, self.reporting, self.projects):
            await client.aclose()
