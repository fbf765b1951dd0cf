"""Issuing, listing and revoking partner API keys."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from anken_common.problems import NotFound, UnprocessableEntity
from anken_projects.api_keys import repository
from anken_projects.api_keys.models import ApiKey
from anken_projects.api_keys.schemas import ApiKeyCreate
from anken_projects.audit.writer import record_audit
from anken_projects.auth.api_key_auth import generate_key
from anken_projects.auth.principal import Principal
from anken_projects.clients.models import Client
from anken_projects.kit.models import utc_now
from anken_projects.kit.pagination import PageResult
from anken_projects.kit.snapshot import snapshot


async def issue_key(session: AsyncSession, principal: Principal, secret_key: str, body: ApiKeyCreate) -> tuple[ApiKey, str]:
    """A new key for the client; returns the row and the secret (never stored in clear)."""
    if await session.get(Client, body.client_id) is None:
        raise UnprocessableEntity("client_id", "no such client")
    new = generate_key(secret_key)
    key = ApiKey(client_id=body.client_id, name=body.name, prefix=new.prefix, secret_hash=new.secret_hash,
                 scopes=sorted({s.value for s in body.scopes}), expires_at=body.expires_at,
                 created_by=principal.id if isinstance(principal.id, uuid.UUID) else None)
    session.add(key)
    await session.flush()
    record_audit(session, principal, "api_key.create", "api_key", key.id, after=snapshot(key))
    return key, new.secret


async def list_keys(
    session: AsyncSession, *, client_id: uuid.UUID | None, include_revoked: bool, cursor: str | None, limit: int
) -> PageResult[ApiKey]:
    return await repository.page(session, client_id=client_id, include_revoked=include_revoked, cursor=cursor, limit=limit)


async def get_key(session: AsyncSession, key_id: uuid.UUID) -> ApiKey:
    key = await repository.find(session, key_id)
    if key is None:
        raise NotFound("API key")
    return key


async def revoke_key(session: AsyncSession, principal: Principal, key_id: uuid.UUID) -> ApiKey:
    """Revoke (idempotent: revoking again keeps the first revocation time)."""
    key = await repository.find(session, key_id, for_update=True)
    if key is None:
        raise NotFound("API key")
    if key.revoked_at is None:
        before = snapshot(key)
        key.revoked_at = utc_now()
        await session.flush()
        record_audit(session, principal, "api_key.revoke", "api_key", key.id, before=before, after=snapshot(key))
    return key
