"""A shared link's token: the link's id and an HMAC of it under a key derived from ANKEN_SECRET_KEY.

Nothing secret is stored: the token is recomputed from the row's id (so a retried create can answer the
same link), and a token that was not made here fails the MAC before any query. Whether the link is still
good (not revoked, not expired) is the row's to say, on every use (report_links.service.resolve).
Rotating ANKEN_SECRET_KEY ends every link.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import uuid

from anken_common.auth_tokens import KeyPurpose, derive_key

MAC_BYTES = 24  # 192 bits: not guessable, and the token stays short (54 characters)
TOKEN_CHARS = 54


def _mac(secret: str, link_id: uuid.UUID) -> bytes:
    key = derive_key(secret, KeyPurpose.report_link.value).encode()
    return hmac.new(key, b"report-link:" + link_id.bytes, hashlib.sha256).digest()[:MAC_BYTES]


def token_for(secret: str, link_id: uuid.UUID) -> str:
    return base64.urlsafe_b64encode(link_id.bytes + _mac(secret, link_id)).rstrip(b"=").decode()


def link_id_of(secret: str, token: str) -> uuid.UUID | None:
    """The id a token names, or None when the token was not made with this secret (or is not a token)."""
    if len(token) != TOKEN_CHARS:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "==")
    except (binascii.Error, ValueError):
        return None
    if len(raw) != 16 + MAC_BYTES:
        return None
    link_id = uuid.UUID(bytes=raw[:16])
    return link_id if hmac.compare_digest(raw[16:], _mac(secret, link_id)) else None
