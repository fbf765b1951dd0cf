"""Signed bearer tokens: user sessions issued by projects-api and service-to-service tokens.

Tokens are JWTs (HS256) signed with ANKEN_SECRET_KEY, so every service can verify a user's
token without a round trip. Partner API keys are not JWTs; they start with `ak_` and are
checked by projects-api (other services ask it through /v1/auth/introspect).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from enum import StrEnum

import jwt

ISSUER = "anken"
API_KEY_PREFIX = "ak_"
DEFAULT_USER_TTL_S = 12 * 3600
SERVICE_TTL_S = 300


class Role(StrEnum):
    admin = "admin"
    director = "director"
    manager = "manager"
    member = "member"


class TokenKind(StrEnum):
    user = "user"
    service = "service"


class InvalidToken(Exception):
    """The token is malformed, has a bad signature, or has expired."""


@dataclass(frozen=True)
class TokenClaims:
    subject: str
    kind: TokenKind
    role: Role | None = None
    expires_at: int = 0
    token_id: str = ""
    extra: dict = field(default_factory=dict)


def issue_user_token(secret: str, user_id: str, role: Role | str, ttl_s: int = DEFAULT_USER_TTL_S) -> str:
    now = int(time.time())
    payload = {
        "iss": ISSUER, "sub": str(user_id), "kind": TokenKind.user.value, "role": str(Role(role)),
        "iat": now, "exp": now + ttl_s, "jti": uuid.uuid4().hex,
    }
    return jwt.encode(payload, secret, algorithm="HS256")


def issue_service_token(secret: str, service: str, ttl_s: int = SERVICE_TTL_S) -> str:
    now = int(time.time())
    payload = {"iss": ISSUER, "sub": service, "kind": TokenKind.service.value, "iat": now, "exp": now + ttl_s}
    return jwt.encode(payload, secret, algorithm="HS256")


def verify_token(secret: str, token: str) -> TokenClaims:
    try:
        data = jwt.decode(token, secret, algorithms=["HS256"], issuer=ISSUER, options={"require": ["exp", "sub"]})
    except jwt.PyJWTError as exc:
        raise InvalidToken(str(exc)) from exc
    try:
        kind = TokenKind(data.get("kind"))
        role = Role(data["role"]) if data.get("role") else None
    except ValueError as exc:
        raise InvalidToken("unknown token kind or role") from exc
    return TokenClaims(
        subject=str(data["sub"]), kind=kind, role=role, expires_at=int(data["exp"]), token_id=data.get("jti", "")
    )


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
