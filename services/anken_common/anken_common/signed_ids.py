"""Signed ids: a record's UUID and an HMAC of it, URL-safe, under a key derived for one purpose.

A token names its record without storing a secret: it is recomputed from the id, and a token not made with
this secret and purpose fails the MAC before any query. Whether the record is still good (revoked, expired)
is the record's to say. Rotating ANKEN_SECRET_KEY ends every token.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import uuid

from anken_common.auth_tokens import KeyPurpose, derive_key

MAC_BYTES = 24  # 192 bits: not guessable, and the token stays short
TOKEN_CHARS = 54  # base64 of 16 + 24 bytes, unpadded


def _mac(secret: str, purpose: KeyPurpose, record_id: uuid.UUID) -> bytes:
    key = derive_key(secret, purpose.value).encode()
    return hmac.new(key, purpose.value.encode() + b":" + record_id.bytes, hashlib.sha256).digest()[:MAC_BYTES]


def sign_id(secret: str, purpose: KeyPurpose, record_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(record_id.bytes + _mac(secret, purpose, record_id)).rstrip(b"=").decode()


def signed_id(secret: str, purpose: KeyPurpose, token: str) -> uuid.UUID | None:
    """The id a token names, or None when it was not made with this secret and purpose (or is no token)."""
    if len(token) != TOKEN_CHARS:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "==")
    except (binascii.Error, ValueError):
        return None
    if len(raw) != 16 + MAC_BYTES:
        return None
    record_id = uuid.UUID(bytes=raw[:16])
    return record_id if hmac.compare_digest(raw[16:], _mac(secret, purpose, record_id)) else None
