"""/healthz (process up) and /readyz (dependencies reachable, 503 naming the failing one)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine

ReadyCheck = Callable[[], Awaitable[None]]


def health_router(checks: dict[str, ReadyCheck], timeout: float = 2.0) -> APIRouter:
    router = APIRouter(tags=["health"])

    @router.get("/healthz", summary="Liveness: the process is up")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/readyz",
        summary="Readiness: database and Redis reachable",
        responses={503: {"description": "A dependency is unreachable; `failing` names it"}},
    )
    async def readyz() -> JSONResponse:
        results: dict[str, str] = {}
        failing: list[str] = []
        for name, check in checks.items():
            try:
                await asyncio.wait_for(check(), timeout)
                results[name] = "ok"
            except Exception as exc:  # any failure means not ready; the name and reason are reported
                results[name] = f"error: {type(exc).__name__}: {exc}"[:300]
                failing.append(name)
        if failing:
            return JSONResponse(
                {"status": "unavailable", "failing": failing, "checks": results}, status_code=503
            )
        return JSONResponse({"status": "ok", "checks": results})

    return router


class HasDatabaseAndRedis(Protocol):
    """A service's Resources: its engine and its Redis client."""

    @property
    def engine(self) -> AsyncEngine: ...

    @property
    def redis(self) -> Redis: ...


def database_check(engine: AsyncEngine) -> ReadyCheck:
    from sqlalchemy import text

    async def check() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    return check


def redis_check(redis: Redis) -> ReadyCheck:
    async def check() -> None:
        await redis.ping()

    return check


def database_and_redis_checks(resources: HasDatabaseAndRedis) -> dict[str, ReadyCheck]:
    """The readiness checks of a service whose state lives in PostgreSQL and Redis."""
    return {"database": database_check(resources.engine), "redis": redis_check(resources.redis)}
