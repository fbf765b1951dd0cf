"""Password hashing with argon2id (argon2-cffi's defaults follow RFC 9106's recommendations).

Hashing and verifying take tens of milliseconds of CPU by design; request handlers use the
`*_off_loop` forms, which run them in a worker thread (argon2-cffi releases the GIL), so a
burst of logins does not stall every other request of the process.
"""

from __future__ import annotations

import asyncio

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

_hasher = PasswordHasher()
# Verifying against this when the email is unknown keeps response time independent of it.
_DUMMY_HASH = _hasher.hash("anken-timing-equaliser")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def hash_password_off_loop(password: str) -> str:
    return await asyncio.to_thread(hash_password, password)


async def verify_password_off_loop(password_hash: str | None, password: str) -> bool:
    return await asyncio.to_thread(verify_password, password_hash, password)
