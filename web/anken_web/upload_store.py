"""Uploaded target files waiting between the dry-run preview and the commit of the import wizard.

Kept in Redis (namespaced, one hour) rather than on local disk, so any web process can commit
what another previewed."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from redis.asyncio import Redis

TTL_S = 3600


@dataclass(frozen=True)
class StoredUpload:
    filename: str
    content: bytes


class UploadStore:
    def __init__(self, redis: Redis, namespace: str) -> None:
        self.redis = redis
        self.namespace = namespace

    def _key(self, token: str, part: str) -> str:
        return f"{self.namespace}:web:upload:{token}:{part}"

    async def put(self, filename: str, content: bytes) -> str:
        token = secrets.token_urlsafe(16)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(self._key(token, "name"), filename.encode(), ex=TTL_S)
            pipe.set(self._key(token, "body"), content, ex=TTL_S)
            await pipe.execute()
        return token

    async def get(self, token: str) -> StoredUpload | None:
        name, body = await self.redis.mget(self._key(token, "name"), self._key(token, "body"))
        if name is None or body is None:
            return None
        return StoredUpload(name.decode(), body)

    async def drop(self, token: str) -> None:
        await self.redis.delete(self._key(token, "name"), self._key(token, "body"))
