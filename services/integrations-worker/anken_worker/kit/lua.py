"""A Lua script sent to Redis by its SHA1 (EVALSHA): the script's text travels once per server,
not with every call."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from redis.asyncio import Redis
from redis.exceptions import NoScriptError


class LuaScript:
    def __init__(self, text: str) -> None:
        self.text = text
        self.sha = hashlib.sha1(text.encode()).hexdigest()

    async def __call__(self, redis: Redis, keys: Sequence[Any], args: Sequence[Any] = ()) -> Any:
        try:
            return await redis.evalsha(self.sha, len(keys), *keys, *args)
        except NoScriptError:
            # A server that has not seen it yet (or was restarted): EVAL loads it as it runs it.
            return await redis.eval(self.text, len(keys), *keys, *args)
