"""Creates that a client may retry safely: with an Idempotency-Key header, a retry replays the
first response instead of creating a duplicate (storage: anken_projects.idempotency)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

from fastapi import Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from anken_projects.auth.principal import Principal
from anken_projects.idempotency.store import claim_or_replay, complete

M = TypeVar("M", bound=BaseModel)

IdempotencyKeyHeader = Annotated[
    str | None,
    Header(alias="Idempotency-Key", max_length=255, description="Retry-safe create: the same key and body replay "
           "the first response; the same key with another body is 422"),
]


async def idempotent_create(
    session: AsyncSession, request: Request, principal: Principal, create: Callable[[], Awaitable[M]], status_code: int = 201
) -> M | JSONResponse:
    """Run `create` once per Idempotency-Key (when sent), storing its response in the same transaction."""
    claim = await claim_or_replay(session, request, principal)
    if isinstance(claim, JSONResponse):
        return claim
    out = await create()
    await complete(session, claim, status_code, out.model_dump(mode="json"))
    return out
