"""Signed bearer tokens: user sessions issued by projects-api and service-to-service tokens.

Tokens are JWTs (HS256). Each carries an audience (`aud`: "user" or "service") and is signed
with a key of its own purpose, derived from ANKEN_SECRET_KEY with HKDF (`derive_key`): a key
that signs one kind of token (or the web's cookie, which has its own key) cannot sign another.
User tokens also carry the user's token version (`ver`); projects-api bumps it on logout,
password or role change and deactivation, which ends every session issued before.

Partner API keys are not JWTs; they look like `ak_<8 hex>_<43 url-safe chars>` and are checked by
projects-api (other services ask it through /v1/auth/introspect).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from typing import Any

import jwt

ISSUER = "anken"
API_KEY_PREFIX = "ak_"
DEFAULT_USER_TTL_S = 12 * 3600
SERVICE_TTL_S = 300
# The only shape generate_key produces: a key of any other shape is refused before any lookup.
API_KEY_PATTERN = re.compile(r"ak_([0-9a-f]{8})_[A-Za-z0-9_-]{43}")


class Role(StrEnum):
    admin = "admin"
    director = "director"
    manager = "manager"
    member = "member"
    client = "client"  # a person of the ordering client: sees only that client's projects (anken_common.access)


class TokenKind(StrEnum):
    """A token's audience: who it is for."""

    user = "user"
    service = "service"


class KeyPurpose(StrEnum):
    """What a derived key is used for; each purpose gets a key no other purpose shares."""

    user_token = "user-token"
    service_token = "service-token"
    web_cookie = "web-cookie"
    report_link = "report-link"  # signs the ids of shared weekly report links (reporting-api)


_SIGNING_PURPOSE = {TokenKind.user: KeyPurpose.user_token, TokenKind.service: KeyPurpose.service_token}
_HKDF_SALT = b"anken-key-derivation-v1"


class InvalidToken(Exception):
    """The token is malformed, has a bad signature or the wrong audience, or has expired."""


@dataclass(frozen=True)
class TokenClaims:
    subject: str
    kind: TokenKind
    role: Role | None = None
    expires_at: int = 0
    token_id: str = ""
    version: int = 0  # user tokens: the user's token version when the token was issued
    client_id: str | None = None  # client users' tokens: the one client they belong to (`cid`)
    extra: dict[str, Any] = field(default_factory=dict)


@lru_cache(maxsize=64)
def derive_key(master: str, purpose: str) -> str:
    """HKDF-SHA256 (RFC 5869) of the master secret for one purpose: 32 bytes as URL-safe base64 text.

    Deterministic, so every service holding ANKEN_SECRET_KEY derives the same key; one-way, so a
    holder of a derived key (e.g. the web's WEB_SESSION_KEY) learns nothing of the master or of
    the other purposes' keys.
    """
    prk = hmac.new(_HKDF_SALT, master.encode(), hashlib.sha256).digest()
    okm = hmac.new(prk, b"anken:" + purpose.encode() + b"\x01", hashlib.sha256).digest()
    return base64.urlsafe_b64encode(okm).decode()


def signing_key(master: str, kind: TokenKind) -> str:
    return derive_key(master, _SIGNING_PURPOSE[kind].value)


def issue_user_token(
    secret: str, user_id: str, role: Role | str, ttl_s: int = DEFAULT_USER_TTL_S, version: int = 0,
    client_id: object | None = None,
) -> str:
    """A session token for a user; `secret` is ANKEN_SECRET_KEY, `version` the user's token version,
    `client_id` the client a client user belongs to (signed into the token as `cid`: a user's client never
    changes, and a role change bumps the token version, so the claim holds as long as the token does)."""
    now = int(time.time())
    payload: dict[str, Any] = {
        "iss": ISSUER, "aud": TokenKind.user.value, "sub": str(user_id), "kind": TokenKind.user.value,
        "role": str(Role(role)), "ver": int(version), "iat": now, "exp": now + ttl_s, "jti": uuid.uuid4().hex,
    }
    if client_id is not None:
        payload["cid"] = str(client_id)
    return jwt.encode(payload, signing_key(secret, TokenKind.user), algorithm="HS256")


def issue_service_token(secret: str, service: str, ttl_s: int = SERVICE_TTL_S) -> str:
    """A short token one Anken service sends another; `secret` is ANKEN_SECRET_KEY."""
    now = int(time.time())
    payload = {"iss": ISSUER, "aud": TokenKind.service.value, "sub": service, "kind": TokenKind.service.value,
               "iat": now, "exp": now + ttl_s}
    return jwt.encode(payload, signing_key(secret, TokenKind.service), algorithm="HS256")


def verify_token(
    secret: str, token: str, audiences: Iterable[TokenKind] = (TokenKind.user, TokenKind.service)
) -> TokenClaims:
    """The claims of a token for one of `audiences`, checked with that audience's key; else InvalidToken."""
    try:
        # The claimed audience only picks the key: the signature, made with that audience's key, decides.
        claimed = jwt.decode(token, options={"verify_signature": False}).get("aud")
        kind = TokenKind(claimed) if isinstance(claimed, str) else None
    except (jwt.PyJWTError, ValueError):
        kind = None
    if kind is None or kind not in set(audiences):
        raise InvalidToken("token is not meant for this use")
    try:
        data = jwt.decode(token, signing_key(secret, kind), algorithms=["HS256"], issuer=ISSUER, audience=kind.value,
                          options={"require": ["exp", "sub", "aud"]})
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    try:
        if data.get("kind") != kind.value:
            raise ValueError("kind and audience differ")
        role = Role(data["role"]) if data.get("role") else None
        version = int(data.get("ver", 0))
        client_id = str(uuid.UUID(str(data["cid"]))) if data.get("cid") is not None else None
    except (ValueError, TypeError) as exc:
        raise InvalidToken("unknown token kind or role") from exc
    return TokenClaims(subject=str(data["sub"]), kind=kind, role=role, expires_at=int(data["exp"]),
                       token_id=data.get("jti", ""), version=version, client_id=client_id)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, or None."""
    if not authorization:
        return None
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def is_api_key(token: str) -> bool:
    return token.startswith(API_KEY_PREFIX)


def api_key_prefix(token: str) -> str | None:
    """The lookup prefix of a well-formed partner key, else None (answer 401 without any lookup)."""
    match = API_KEY_PATTERN.fullmatch(token)
    return match.group(1) if match else None
