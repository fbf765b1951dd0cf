"""Idempotency-Key handling: the first request with a key runs; a retry with the same key and
body gets the stored response replayed; the same key with another body is a 422.

The key row is inserted at the start of the request's own transaction, so a concurrent retry
blocks on the unique index until the first attempt commits (then it replays) or rolls back
(then it runs itself). A failed request stores nothing, so it may be retried with the key.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.problems import ProblemError, UnprocessableEntity
from anken_projects.auth.principal import Principal
from anken_projects.idempotency.models import IdempotencyRecord

HEADER = "Idempotency-Key"
T = IdempotencyRecord.__table__


@dataclass
class IdempotencyClaim:
    record_id: int


def request_hash(body: bytes) -> str:
    """SHA-256 of the JSON body in canonical form (key order and whitespace do not matter)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    return hashlib.sha256(canonical).hexdigest()


def _key(request: Request) -> str | None:
    key = request.headers.get(HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > 255:
        raise UnprocessableEntity(HEADER, "must be 1 to 255 characters")
    return key


async def claim_or_replay(
    session: AsyncSession, request: Request, principal: Principal
) -> IdempotencyClaim | JSONResponse | None:
    """None without a key; a claim to complete after the work; or the stored response to replay."""
    key = _key(request)
    if key is None:
        return None
    digest = request_hash(await request.body())
    operation = f"{request.method} {request.url.path}"[:120]
    owner = f"{principal.kind}:{principal.id}"[:80]
    claimed = (await session.execute(
        insert(T).values(principal=owner, operation=operation, key=key, request_hash=digest)
        .on_conflict_do_nothing(constraint="uq_idempotency_keys").returning(T.c.id)
    )).scalar_one_or_none()
    if claimed is not None:
        return IdempotencyClaim(claimed)
    stored = (await session.execute(
        sa.select(T).where(T.c.principal == owner, T.c.operation == operation, T.c.key == key)
    )).one()
    if stored.request_hash != digest:
        raise UnprocessableEntity(HEADER, "was already used with a different request body; use a new key")
    if stored.status_code is None:
        raise ProblemError(409, "Conflict", "a request with this Idempotency-Key is still being processed",
                           type_="https://anken.jp/problems/idempotency-in-progress")
    return JSONResponse(stored.response, status_code=stored.status_code, headers={"Idempotent-Replayed": "true"})


async def complete(session: AsyncSession, claim: IdempotencyClaim | None, status_code: int, body: Any) -> None:
    """Store the response of a claimed request, in the same transaction as its effects."""
    if claim is None:
        return
    await session.execute(
        sa.update(T).where(T.c.id == claim.record_id).values(status_code=status_code, response=body)
    )
