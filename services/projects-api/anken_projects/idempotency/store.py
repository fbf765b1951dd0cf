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
from anken_projects.kit.models import table_of

HEADER = "Idempotency-Key"
T = table_of(IdempotencyRecord)


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


@dataclass(frozen=True)
class KeyedRequest:
    """Who sent which key for which operation, and the hash of the body it came with."""

    owner: str
    operation: str
    key: str
    digest: str


async def keyed_request(request: Request, principal: Principal) -> KeyedRequest | None:
    """None without an Idempotency-Key header."""
    key = _key(request)
    if key is None:
        return None
    return KeyedRequest(owner=f"{principal.kind}:{principal.id}"[:80],
                        operation=f"{request.method} {request.url.path}"[:120],
                        key=key, digest=request_hash(await request.body()))


async def replay(session: AsyncSession, keyed: KeyedRequest) -> JSONResponse:
    """The stored response of an earlier request with this key (whose claim row already exists)."""
    stored = (await session.execute(
        sa.select(T).where(T.c.principal == keyed.owner, T.c.operation == keyed.operation, T.c.key == keyed.key)
    )).one()
    if stored.request_hash != keyed.digest:
        raise UnprocessableEntity(HEADER, "was already used with a different request body; use a new key")
    if stored.status_code is None:
        raise ProblemError(409, "Conflict", "a request with this Idempotency-Key is still being processed",
                           type_="https://anken.jp/problems/idempotency-in-progress")
    return JSONResponse(stored.response, status_code=stored.status_code, headers={"Idempotent-Replayed": "true"})


async def claim_or_replay(
    session: AsyncSession, request: Request, principal: Principal
) -> IdempotencyClaim | JSONResponse | None:
    """None without a key; a claim to complete after the work; or the stored response to replay."""
    keyed = await keyed_request(request, principal)
    if keyed is None:
        return None
    claimed = (await session.execute(
        insert(T).values(principal=keyed.owner, operation=keyed.operation, key=keyed.key, request_hash=keyed.digest)
        .on_conflict_do_nothing(constraint="uq_idempotency_keys").returning(T.c.id)
    )).scalar_one_or_none()
    if claimed is not None:
        return IdempotencyClaim(claimed)
    return await replay(session, keyed)


async def complete(session: AsyncSession, claim: IdempotencyClaim | None, status_code: int, body: Any) -> None:
    """Store the response of a claimed request, in the same transaction as its effects."""
    if claim is None:
        return
    await session.execute(
        sa.update(T).where(T.c.id == claim.record_id).values(status_code=status_code, response=body)
    )


async def complete_json(session: AsyncSession, claim: IdempotencyClaim | None, status_code: int, body_json: str) -> None:
    """complete() for a response already serialised (a bulk answer is encoded once, for the wire and here)."""
    if claim is None:
        return
    await session.execute(
        sa.text("UPDATE projects.idempotency_keys SET status_code = :status_code, response = CAST(:body AS jsonb) "
                "WHERE id = :id"),
        {"status_code": status_code, "body": body_json, "id": claim.record_id},
    )
