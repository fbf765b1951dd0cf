"""The relay of this service's outbox to the events stream (see anken_common.outbox_relay)."""

from __future__ import annotations

from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from anken_common.outbox_relay import OutboxRelay
from anken_reporting.settings import SCHEMA

RELAY_LOCK_KEY = 0x616E6B656E02


def outbox_relay(engine: AsyncEngine, redis: Redis, namespace: str) -> OutboxRelay:
    return OutboxRelay(engine, redis, namespace, schema=SCHEMA, source="reporting-api", lock_key=RELAY_LOCK_KEY)
