"""What the delivery machinery needs from its process: the typed context every step receives.

`anken_worker.context.WorkerContext` is the one implementation (the process's handles); this
Protocol names the part the machinery uses, so the machinery does not depend on how the process
is assembled (the HTTP API, the consumer and the cron jobs sit above it)."""

from __future__ import annotations

from typing import Protocol

from arq.connections import ArqRedis
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from anken_worker.deliveries.claims import ClaimBatcher
from anken_worker.settings import WorkerSettings


class DeliveryContext(Protocol):
    settings: WorkerSettings
    engine: AsyncEngine
    # The same pool in autocommit: single statements on the hot path, without BEGIN/COMMIT round trips.
    autocommit: AsyncEngine
    redis: Redis
    # Claims of many drains sent as one statement (deliveries.claims).
    claims: ClaimBatcher
    # The arq pool while the worker runs (None before it starts and in the HTTP-only tests).
    arq: ArqRedis | None
    # Integration scopes known to be unhealthy, re-read every few seconds (deliveries.health).
    unhealthy_scopes: set[tuple[str, str]]
    unhealthy_read_at: float

    def key(self, *parts: str) -> str:
        """A Redis key in this deployment's namespace."""
        ...
